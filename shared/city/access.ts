// Whether an RT chair may still act: their RT is in the directory and open, and their staff account (where the API
// made it) is active and still the chair of that RT. Asked on every request a chair makes, in one BatchGetItem, so
// closing an RT or disabling a chair takes effect at once, not when the chair's token expires.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#shared/platform/auth.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { Forbidden } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { isActiveRt, RT_PK, rtFromItem } from './rt-records.ts';
import { STAFF_PK, staffFromItem, staffKey } from './staff-records.ts';

export async function checkChairAccess(principal: Principal): Promise<void> {
  const rt = principal.rt;
  if (!rt)
    throw new Forbidden('This RT chair account has no RT; ask the city to set it', { reason: 'NOT_CHAIR' });
  const table = tableName('registry');
  const keys = [{ pk: RT_PK, sk: rt }, ...(principal.username ? [staffKey(principal.username)] : [])];
  let items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] | undefined = keys;
  for (let attempt = 0; pending?.length && attempt < 5; attempt++) {
    const out: BatchGetCommandOutput = await ddb().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
    );
    items = [...items, ...(out.Responses?.[table] ?? [])];
    pending = out.UnprocessedKeys?.[table]?.Keys;
  }
  if (pending?.length) throw new Error('The RT directory could not be read');
  const rtItem = items.find((i) => i.pk === RT_PK);
  if (!rtItem || !isActiveRt(rtFromItem(rtItem))) {
    throw new Forbidden(
      `RT ${rt} is no longer in the city's RT directory (removed or closed); ask the city`,
      {
        reason: 'RT_CLOSED',
      },
    );
  }
  const staffItem = items.find((i) => i.pk === STAFF_PK);
  if (!staffItem) return;
  const staff = staffFromItem(staffItem);
  if (staff.status === 'DISABLED') {
    throw new Forbidden('This account is disabled; ask the city', { reason: 'ACCOUNT_DISABLED' });
  }
  if (staff.role !== 'rt_chair' || staff.rt !== rt) {
    throw new Forbidden(`This account is not the chair of RT ${rt}; ask the city`, { reason: 'NOT_CHAIR' });
  }
}
