// Resident → FHIR Patient, as SATUSEHAT expects one: the NIK (and KK) under Kemenkes' identifier systems, the name
// as on the KTP, gender, birth date, the home address with SATUSEHAT's administrativeCode extension (province, city,
// kecamatan, kelurahan, RT, RW), the date of death once recorded. Pure; the id is the NIK, the registry's key.
import type { Address, ContactPoint, Patient } from 'fhir/r4.js';
import { city, placeOf, RT_CODE } from '#shared/city/regions.ts';
import type { Resident } from '#shared/registry/schemas.ts';
import { ADMINISTRATIVE_CODE, KK_SYSTEM, NIK_SYSTEM } from './base.ts';

const GENDER = { M: 'male', F: 'female' } as const;

/** The home address: the RT and RW, the kelurahan, kecamatan and city by name, and every level by its code. */
export function homeAddress(r: Pick<Resident, 'rt' | 'movedOut'>): Address {
  const [, prov, kota, kec, kel, rw, rt] = RT_CODE.exec(r.rt)!;
  const place = placeOf(`${prov}.${kota}.${kec}.${kel}`);
  const cityName = city().name;
  const rtRw = `RT ${rt} RW ${rw}`;
  return {
    // A resident who moved out of the city: this was their address until the move.
    use: r.movedOut ? 'old' : 'home',
    type: 'physical',
    text: [rtRw, place && `Kel. ${place.kelurahan.name}`, place && `Kec. ${place.kecamatan.name}`, cityName]
      .filter(Boolean)
      .join(', '),
    line: [rtRw],
    city: cityName,
    ...(place ? { district: place.kecamatan.name } : {}),
    country: 'ID',
    ...(r.movedOut ? { period: { end: r.movedOut.date } } : {}),
    extension: [
      {
        url: ADMINISTRATIVE_CODE,
        extension: [
          { url: 'province', valueCode: prov! },
          { url: 'city', valueCode: `${prov}${kota}` },
          { url: 'district', valueCode: `${prov}${kota}${kec}` },
          { url: 'village', valueCode: `${prov}${kota}${kec}${kel}` },
          // Numbers, as SATUSEHAT writes them ("1", not "001").
          { url: 'rt', valueCode: String(Number(rt)) },
          { url: 'rw', valueCode: String(Number(rw)) },
        ],
      },
    ],
  };
}

/**
 * `withPhone`: whether the caller may see the resident's mobile number — those who see it in the rest of the API
 * (GET /residents/{nik}: the city's administrators and the resident's own RT chair), not a clinic.
 */
export function toPatient(r: Resident, withPhone: boolean): Patient {
  const telecom: ContactPoint[] =
    r.phone && withPhone ? [{ system: 'phone', value: r.phone, use: 'mobile' }] : [];
  return {
    resourceType: 'Patient',
    id: r.nik,
    meta: { lastUpdated: r.updatedAt },
    identifier: [
      { use: 'official', system: NIK_SYSTEM, value: r.nik },
      ...(r.kk ? [{ use: 'official' as const, system: KK_SYSTEM, value: r.kk }] : []),
    ],
    name: [{ use: 'official', text: r.name }],
    ...(telecom.length ? { telecom } : {}),
    gender: GENDER[r.sex],
    birthDate: r.birthDate,
    ...(r.civilStatus === 'DECEASED'
      ? r.death
        ? { deceasedDateTime: r.death.date }
        : { deceasedBoolean: true }
      : {}),
    address: [homeAddress(r)],
  };
}
