// The incentive routes' path: the month (YYYY-MM).
import * as z from 'zod/mini';
import { isoMonth } from '#shared/registry/fields.ts';

export const monthParams = z.object({ month: isoMonth() });
