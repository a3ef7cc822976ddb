// Every test file starts with the configured city's regions installed (CITY_CODE, default 15.71 Kota Jambi, from
// idn-area-data), as a function has them bundled; a file for another city installs its own (installCity).
import { cityRegionsFromPackage } from '../../infra/regions.ts';
import { setCityRegions } from '../../shared/city/regions.ts';

setCityRegions(cityRegionsFromPackage(process.env.CITY_CODE ?? '15.71'));
