// The path parameters every fund route shares: the RT and the fiscal year.
import * as z from 'zod/mini';
import { entryIdSchema, yearSchema } from '#shared/fund/schemas.ts';
import { rtSchema } from '#shared/registry/fields.ts';

export const fundParams = z.object({ rt: rtSchema, year: yearSchema });
export const entryParams = z.object({ rt: rtSchema, year: yearSchema, entryId: entryIdSchema });
