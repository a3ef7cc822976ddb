// The daily reconciliation of our opt-out list with SNS's own (ListPhoneNumbersOptedOut): a number SNS holds opted
// out is added with source SNS; a number we added from SNS that SNS no longer lists opted back in there and is
// taken off. A number the citizen opted out by SMS stays whatever SNS says: only MULAI takes it off.
import { auditPut } from '#shared/platform/audit.ts';
import { conditionFailed, queryAll, transact } from '#shared/platform/dynamo.ts';
import { mapInFlight } from '#shared/platform/in-flight.ts';
import { logger } from '#shared/platform/logger.ts';
import { notifier } from '#shared/platform/notifier.ts';
import { normalisePhone } from '#shared/registry/phone.ts';
import { optOutEntity } from './inbound.ts';
import { OPTOUT_PK, optOutKey, T } from './keys.ts';
import type { OptOutSource } from './opt-outs.ts';

export interface OptOutSyncResult {
  /** Numbers SNS listed. */
  listed: number;
  /** Of those, numbers that are not Indonesian mobiles (we never send to them). */
  skipped: number;
  added: number;
  removed: number;
}

/** Who the audit names for the sync's changes. */
export const SYNC_ACTOR = { sub: 'job:sms-opt-outs', roles: [] as string[] };

// Transactions in flight at once: a first run may add thousands, one transaction each.
const PARALLEL = 10;

/** Every number SNS holds opted out, page after page, as E.164 Indonesian mobiles. */
async function snsOptedOut(): Promise<{ listed: number; skipped: number; phones: Set<string> }> {
  const phones = new Set<string>();
  let listed = 0;
  let skipped = 0;
  let token: string | undefined;
  do {
    const page = await notifier().listOptedOut(token);
    listed += page.phones.length;
    for (const raw of page.phones) {
      const phone = normalisePhone(raw);
      if (phone) phones.add(phone);
      else skipped++;
    }
    token = page.nextToken;
  } while (token);
  return { listed, skipped, phones };
}

async function inBatches<T>(items: T[], fn: (item: T) => Promise<boolean>): Promise<number> {
  return (await mapInFlight(items, PARALLEL, fn)).filter(Boolean).length;
}

export async function syncOptOuts(ctx: { requestId: string; now: string }): Promise<OptOutSyncResult> {
  // The whole list is read before anything changes: a listing that fails part way changes nothing.
  const sns = await snsOptedOut();
  const ours = new Map(
    (
      await queryAll({
        TableName: T(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': OPTOUT_PK },
        ProjectionExpression: 'sk, #source',
        ExpressionAttributeNames: { '#source': 'source' },
        ConsistentRead: true,
      })
    ).map((i) => [String(i.sk), i.source as OptOutSource]),
  );
  const audit = (phone: string, action: string, before: object, after: object) =>
    auditPut({
      entity: optOutEntity(phone),
      action,
      actor: SYNC_ACTOR,
      at: ctx.now,
      requestId: ctx.requestId,
      before,
      after,
    });

  const toAdd = [...sns.phones].filter((p) => !ours.has(p));
  const added = await inBatches(toAdd, async (phone) => {
    try {
      await transact([
        {
          Put: {
            TableName: T(),
            Item: { ...optOutKey(phone), at: ctx.now, source: 'SNS' satisfies OptOutSource },
            // A STOP that arrived since the read keeps its SMS source.
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        audit(phone, 'SNS_OPT_OUT', { optedOut: false }, { optedOut: true, source: 'SNS' }),
      ]);
      return true;
    } catch (error) {
      if (conditionFailed(error, 0)) return false;
      throw error;
    }
  });

  const toRemove = [...ours].filter(([p, source]) => source === 'SNS' && !sns.phones.has(p)).map(([p]) => p);
  const removed = await inBatches(toRemove, async (phone) => {
    try {
      await transact([
        {
          Delete: {
            TableName: T(),
            Key: optOutKey(phone),
            // Only while SNS is still the reason: a STOP since the read made it the citizen's own.
            ConditionExpression: '#source = :sns',
            ExpressionAttributeNames: { '#source': 'source' },
            ExpressionAttributeValues: { ':sns': 'SNS' },
          },
        },
        audit(phone, 'SNS_OPT_IN', { optedOut: true, source: 'SNS' }, { optedOut: false }),
      ]);
      return true;
    } catch (error) {
      if (conditionFailed(error, 0)) return false;
      throw error;
    }
  });

  const result = { listed: sns.listed, skipped: sns.skipped, added, removed };
  logger.info('SMS opt-outs synced with SNS', { ...result });
  return result;
}
