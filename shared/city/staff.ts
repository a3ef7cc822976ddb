// The city's staff accounts, managed through the API: the record of each (registry table: pk STAFF, sk <username>;
// by role in gsi1) beside its sign-in account (shared/platform/accounts.ts: Cognito in AWS). Creating one claims the
// username first, then makes the account, then marks the record active with its audit record, so a retry after any
// failure finishes the job and a clash never leaves two of anything. An account is disabled, never deleted.

import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getKader } from '#shared/kader/register.ts';
import { AccountExists, accounts } from '#shared/platform/accounts.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { conditionFailed, ddb, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound, ValidationError } from '#shared/platform/errors.ts';
import type { Role } from '#shared/platform/roles.ts';
import { tableName } from '#shared/platform/tables.ts';
import { getPuskesmas } from './puskesmas.ts';
import type { ChangeContext } from './rts.ts';
import { getRt, isActiveRt } from './rts.ts';
import type { NewStaff } from './schemas.ts';
import { STAFF_PK, type Staff, staffFromItem, staffItem, staffKey, staffView } from './staff-records.ts';

export { STAFF_PK, type Staff, staffFromItem, staffKey, staffView };

const T = () => tableName('registry');

export async function getStaff(username: string, consistent = false): Promise<Staff | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: staffKey(username), ConsistentRead: consistent }),
  );
  return out.Item ? staffFromItem(out.Item) : undefined;
}

export interface CreateStaffOptions {
  /** Whether a 112 unit exists (the incidents capability answers it), for a responder's `unit`. */
  unitExists?: (id: string) => Promise<boolean>;
}

/** Checks what the input names exists now: the chair's RT (in the directory, active) and the responder's unit. */
async function checkReferences(input: NewStaff, opts: CreateStaffOptions): Promise<void> {
  if (input.rt) {
    const rt = await getRt(input.rt, true);
    if (!rt)
      throw ValidationError.field(
        'rt',
        `RT ${input.rt} is not in the RT directory; add it with POST /rts first`,
      );
    if (!isActiveRt(rt)) throw ValidationError.field('rt', `RT ${input.rt} is closed in the RT directory`);
  }
  if (input.puskesmas && !(await getPuskesmas(input.puskesmas, true))) {
    throw ValidationError.field(
      'puskesmas',
      `puskesmas ${input.puskesmas} is not registered; add it with POST /puskesmas first (GET /puskesmas lists them)`,
    );
  }
  if (input.nik) {
    const kader = await getKader(input.nik);
    if (!kader)
      throw ValidationError.field(
        'nik',
        'is not in the kader register; add the kader with POST /kader first',
      );
    if (kader.status !== 'ACTIVE')
      throw ValidationError.field('nik', `is of a kader who retired on ${kader.retiredOn}`);
  }
  if (input.unit && !(await opts.unitExists?.(input.unit))) {
    throw ValidationError.field('unit', `unit ${input.unit} does not exist; add it with POST /units first`);
  }
}

/** Claims the username with a PENDING record; a PENDING one left by a failed attempt is taken over. */
async function claim(input: NewStaff, ctx: ChangeContext): Promise<{ record: Staff; resumed: boolean }> {
  const previous = await getStaff(input.username, true);
  if (previous && previous.status !== 'PENDING') {
    throw new Conflict(`A staff account ${input.username} exists already`, { staff: staffView(previous) });
  }
  const record: Staff = {
    username: input.username,
    name: input.name,
    role: input.role,
    ...(input.rt ? { rt: input.rt } : {}),
    ...(input.unit ? { unit: input.unit } : {}),
    ...(input.puskesmas ? { puskesmas: input.puskesmas } : {}),
    ...(input.nik ? { nik: input.nik } : {}),
    ...(input.email ? { email: input.email } : {}),
    ...(input.phone ? { phone: input.phone } : {}),
    status: 'PENDING',
    version: (previous?.version ?? 0) + 1,
    createdAt: previous?.createdAt ?? ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor.sub,
  };
  try {
    await ddb().send(
      new PutCommand({
        TableName: T(),
        Item: staffItem(record),
        ConditionExpression: previous ? 'version = :prev AND #s = :pending' : 'attribute_not_exists(pk)',
        ...(previous
          ? {
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':prev': previous.version, ':pending': 'PENDING' },
            }
          : {}),
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const now = await getStaff(input.username, true);
    throw new Conflict(
      `A staff account ${input.username} exists already`,
      now ? { staff: staffView(now) } : {},
    );
  }
  return { record, resumed: !!previous };
}

/**
 * Creates a staff account (audited): the record, the sign-in account with its invitation, its role's group. An RT
 * chair needs an RT of the directory, a responder an existing unit (400 otherwise); the same username again → 409.
 */
export async function createStaff(
  input: NewStaff,
  ctx: ChangeContext,
  opts: CreateStaffOptions = {},
): Promise<{ staff: Staff; invitedBy: ('EMAIL' | 'SMS')[] }> {
  await checkReferences(input, opts);
  const { record, resumed } = await claim(input, ctx);
  const account = {
    username: input.username,
    name: input.name,
    role: input.role,
    ...(input.email ? { email: input.email } : {}),
    ...(input.phone ? { phone: input.phone } : {}),
    attributes: Object.fromEntries(
      (['rt', 'unit', 'puskesmas', 'nik'] as const).filter((k) => input[k]).map((k) => [k, input[k]!]),
    ),
  };
  let sub: string;
  let invitedBy: ('EMAIL' | 'SMS')[] = [];
  try {
    ({ sub, invitedBy } = await accounts().create(account));
  } catch (error) {
    // An account of this name our own earlier attempt made: carry on with it.
    if (error instanceof AccountExists && resumed) sub = error.sub;
    else {
      await releaseClaim(input.username);
      if (error instanceof AccountExists) {
        throw new Conflict(
          `The user pool has an account ${input.username} already (made outside this API); choose another username`,
        );
      }
      throw error;
    }
  }
  await accounts().addToGroup(input.username, input.role);
  // What the claim wrote, made active: the condition below says whether anyone changed it since.
  const staff: Staff = { ...record, sub, status: 'ACTIVE', version: record.version + 1, updatedAt: ctx.now };
  try {
    await transact([
      {
        Put: {
          TableName: T(),
          Item: staffItem(staff),
          ConditionExpression: 'version = :prev AND #s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':prev': record.version, ':pending': 'PENDING' },
        },
      },
      auditPut({
        entity: `STAFF#${staff.username}`,
        action: 'StaffCreated',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        after: {
          role: staff.role,
          rt: staff.rt ?? null,
          unit: staff.unit ?? null,
          puskesmas: staff.puskesmas ?? null,
        },
      }),
    ]);
  } catch (error) {
    if (!conditionFailed(error, 0)) throw error;
    throw new Conflict(`The staff account ${input.username} was changed meanwhile; try again`);
  }
  return { staff, invitedBy };
}

/** Gives the username back when the account could not be made: no record is left of what does not exist. */
async function releaseClaim(username: string): Promise<void> {
  await ddb()
    .send(
      new DeleteCommand({
        TableName: T(),
        Key: staffKey(username),
        ConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING' },
      }),
    )
    // Left PENDING, the record says a retry of the same request finishes it.
    .catch(() => undefined);
}

/**
 * Disables or enables an account (audited): the sign-in account first, then the record, so a retry after a failure
 * completes it. Already so → `changed: false`. An administrator cannot disable their own account.
 */
export async function setStaffStatus(
  username: string,
  status: 'ACTIVE' | 'DISABLED',
  ctx: ChangeContext & { actorUsername?: string },
): Promise<{ staff: Staff; changed: boolean }> {
  const before = await getStaff(username, true);
  if (!before || before.status === 'PENDING') throw new NotFound(`No staff account ${username}`);
  if (before.status === status) return { staff: before, changed: false };
  if (status === 'DISABLED' && ctx.actorUsername === username) {
    throw new Conflict('You cannot disable your own account; ask another administrator');
  }
  if (status === 'DISABLED') await accounts().disable(username);
  else await accounts().enable(username);
  const staff: Staff = { ...before, status, version: before.version + 1, updatedAt: ctx.now };
  try {
    await transact([
      {
        Update: {
          TableName: T(),
          Key: staffKey(username),
          UpdateExpression: 'SET #s = :s, version = :v, updatedAt = :now',
          ConditionExpression: 'version = :prev',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':s': status,
            ':v': staff.version,
            ':now': ctx.now,
            ':prev': before.version,
          },
        },
      },
      auditPut({
        entity: `STAFF#${username}`,
        action: status === 'DISABLED' ? 'StaffDisabled' : 'StaffEnabled',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        before: { status: before.status },
        after: { status },
      }),
    ]);
  } catch (error) {
    if (!conditionFailed(error, 0)) throw error;
    throw new Conflict(`The staff account ${username} was changed meanwhile; try again`);
  }
  return { staff, changed: true };
}

/** One page of staff accounts (all, or of one role) by username. */
export async function listStaff(
  role: Role | undefined,
  limit: number,
  after?: string,
): Promise<{ staff: Staff[]; next: string | null }> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: T(),
      ...(role
        ? {
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': `STAFF#${role}` },
            ...(after
              ? { ExclusiveStartKey: { ...staffKey(after), gsi1pk: `STAFF#${role}`, gsi1sk: after } }
              : {}),
          }
        : {
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': STAFF_PK },
            ...(after ? { ExclusiveStartKey: staffKey(after) } : {}),
          }),
      Limit: limit,
    }),
  );
  const staff = (out.Items ?? []).map(staffFromItem);
  return { staff, next: out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk) : null };
}
