// Campaigns and their versions (RapidPro: an event is never edited in place). Saving a campaign whose content
// differs from its current version writes version n+1 and moves CURRENT to it, in one transaction conditional on
// CURRENT still being n; the same content again answers the current version and writes nothing.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '#shared/platform/audit.ts';
import { cancellationDetails, conditionFailed, ddb, queryAll, transact } from '#shared/platform/dynamo.ts';
import { Conflict } from '#shared/platform/errors.ts';
import { requestHash } from '#shared/platform/idempotency.ts';
import { tableName } from '#shared/platform/tables.ts';
import type { Campaign, CampaignInput } from './schemas.ts';

const T = () => tableName('reminders');
const pk = (id: string) => `CAMPAIGN#${id}`;
const versionSk = (v: number) => `V#${String(v).padStart(4, '0')}`;
const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'contentHash']);

const campaignOf = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))) as unknown as Campaign;

export async function getCampaign(id: string): Promise<Campaign | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: { pk: pk(id), sk: 'CURRENT' }, ConsistentRead: true }),
  );
  return out.Item ? campaignOf(out.Item) : undefined;
}

/** Every campaign's current version, by id. */
export async function listCampaigns(): Promise<Campaign[]> {
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :all',
    ExpressionAttributeValues: { ':all': 'CAMPAIGNS' },
  });
  return items.map(campaignOf);
}

/** Every version of one campaign, oldest first. */
export async function campaignVersions(id: string): Promise<Campaign[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
    ExpressionAttributeValues: { ':pk': pk(id), ':v': 'V#' },
    ConsistentRead: true,
  });
  return items.map(campaignOf);
}

export interface Saved {
  campaign: Campaign;
  /** false: the same content as the current version, nothing written. */
  created: boolean;
}

export async function saveCampaign(
  input: CampaignInput,
  ctx: { actor: { sub: string; roles: string[] }; requestId: string; now: string },
): Promise<Saved> {
  const contentHash = requestHash(input);
  for (let attempt = 1; ; attempt++) {
    const out = await ddb().send(
      new GetCommand({ TableName: T(), Key: { pk: pk(input.id), sk: 'CURRENT' }, ConsistentRead: true }),
    );
    const current = out.Item;
    if (current && current.contentHash === contentHash)
      return { campaign: campaignOf(current), created: false };
    const version = ((current?.version as number | undefined) ?? 0) + 1;
    const campaign: Campaign = { ...input, version, createdAt: ctx.now, createdBy: ctx.actor.sub };
    try {
      await transact([
        {
          Put: {
            TableName: T(),
            Item: { pk: pk(input.id), sk: versionSk(version), ...campaign, contentHash },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: T(),
            Item: {
              pk: pk(input.id),
              sk: 'CURRENT',
              gsi1pk: 'CAMPAIGNS',
              gsi1sk: input.id,
              ...campaign,
              contentHash,
            },
            ConditionExpression: current ? 'version = :was' : 'attribute_not_exists(pk)',
            ...(current ? { ExpressionAttributeValues: { ':was': version - 1 } } : {}),
          },
        },
        auditPut({
          entity: pk(input.id),
          action: current ? 'CAMPAIGN_VERSION' : 'CAMPAIGN_CREATED',
          actor: ctx.actor,
          at: ctx.now,
          requestId: `${ctx.requestId}#${version}`,
          after: { version },
        }),
      ]);
      return { campaign, created: true };
    } catch (error) {
      // Another change made version n+1 first: compare with that one.
      if (attempt < 3 && conditionFailed(error)) continue;
      if (cancellationDetails(error))
        throw new Conflict(`Campaign ${input.id} is being changed by someone else; try again`);
      throw error;
    }
  }
}
