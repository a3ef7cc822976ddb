// Births: a newborn is recorded by the mother's NIK and the birth order (as SATUSEHAT identifies a newborn by its
// mother, `nik-ibu`) until Dukcapil issues the child's NIK; then the record becomes a resident of the mother's RT,
// its history kept. A newborn of a mother with active PBI APBD coverage is PBI APBD from birth (JKN's rule for the
// newborns of PBI mothers): billed to the city from the month of birth, once, whether the NIK comes then or later.
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '#shared/platform/audit.ts';
import { cancellationReasons, ddb, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { monthWib, startOfDayWib } from '#shared/platform/wib.ts';
import { type Plan, transactItems, uhcWrites, type Write } from './batch.ts';
import {
  assertResident,
  cityPaidKey,
  getResident,
  periodItem,
  residentItem,
  residentKey,
  type WriteContext,
} from './repository.ts';
import { isCityPaid, uhcContribution } from './rules.ts';
import type { BirthInput, CurrentCoverage, Resident } from './schemas.ts';

export interface Birth {
  id: string;
  /** The child's NIK once Dukcapil has issued it; null until then. */
  nik: string | null;
  motherNik: string;
  name: string;
  birthDate: string;
  sex: 'M' | 'F';
  /** The child's place in its birth (1, or 2 for a second twin…): with the mother's NIK, who the child is. */
  order: number;
  rt: string;
  kelurahan: string;
  /** PBI APBD from birth when the mother's was active; null: uninsured until registered. */
  coverage: CurrentCoverage | null;
  recordedAt: string;
  nikAssignedAt?: string;
}

const T = () => tableName('registry');
const birthKey = (id: string) => ({ pk: `BIRTH#${id}`, sk: 'BIRTH' });
/** One record per mother, day and order: a second POST of the same birth is a 409 naming the first. */
export const motherBirthKey = (b: Pick<Birth, 'motherNik' | 'birthDate' | 'order'>) => ({
  pk: `RES#${b.motherNik}`,
  sk: `BIRTH#${b.birthDate}#${b.order}`,
});

export async function getBirth(id: string): Promise<Birth | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: birthKey(id), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, gsi3pk: _g1, gsi3sk: _g2, ...birth } = out.Item;
  return birth as Birth;
}

/** What the API shows of a birth. */
export function birthView(b: Birth) {
  const { coverage, ...rest } = b;
  return {
    ...rest,
    coverage: coverage
      ? {
          covered: coverage.status === 'ACTIVE',
          scheme: coverage.scheme,
          status: coverage.status,
          since: coverage.since,
        }
      : { covered: false, scheme: null, status: 'NONE', since: null },
  };
}

/**
 * The writes that make a newborn a resident of the mother's RT: the resident (the mother's KK, phone and SMS consent,
 * through which the immunisation reminders reach the child), the coverage period from birth, the RT and UHC counts.
 * Not the premium: the birth counted it already. The resident first: a route's cancellation reason there says the NIK
 * is taken.
 */
function newbornWrites(birth: Birth, nik: string, mother: Resident, now: string): Write[] {
  const resident: Resident = {
    nik,
    ...(mother.kk ? { kk: mother.kk } : {}),
    name: birth.name,
    birthDate: birth.birthDate,
    sex: birth.sex,
    ...(mother.phone ? { phone: mother.phone } : {}),
    rt: birth.rt,
    kelurahan: birth.kelurahan,
    lowIncome: mother.lowIncome,
    smsConsent: mother.smsConsent,
    coverage: birth.coverage ? { ...birth.coverage, periodSk: `COV#${birth.coverage.since}#v000001` } : null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const writes: Write[] = [
    { kind: 'put', item: residentItem(resident), guard: { ConditionExpression: 'attribute_not_exists(pk)' } },
    { kind: 'rt', rt: birth.rt, delta: 1, open: false },
    ...uhcWrites(birth.kelurahan, uhcContribution(resident.coverage)),
  ];
  if (resident.coverage) writes.push({ kind: 'put', item: periodItem(nik, resident.coverage) });
  return writes;
}

/** A child's NIK someone already has: the newborn is not registered twice. */
export const nikTaken = () =>
  new Conflict('A resident with this NIK is already registered', { field: 'nik' });

/**
 * A birth as planned on the mother as read (undefined: not registered): refused as the route refuses it, else the
 * writes, the mother-birth item (`motherBirthKey`) first, and the birth. Pure: `id` is the new record's.
 */
export function planBirth(
  input: BirthInput,
  mother: Resident | undefined,
  ctx: WriteContext,
  id: string,
): Plan<Birth> {
  if (!mother) throw new NotFound("No resident with the mother's NIK is registered", { field: 'motherNik' });
  assertResident(mother);
  if (mother.sex !== 'F') throw ValidationError.field('motherNik', 'is registered as a man');
  if (input.nik === input.motherNik) throw ValidationError.field('nik', "is the mother's NIK");
  const order = input.multipleBirth ?? 1;
  const since = startOfDayWib(input.birthDate);
  const covered = isCityPaid(mother.coverage);
  const birth: Birth = {
    id,
    nik: input.nik ?? null,
    motherNik: input.motherNik,
    name: input.name,
    birthDate: input.birthDate,
    sex: input.sex,
    order,
    rt: mother.rt,
    kelurahan: mother.kelurahan,
    coverage: covered
      ? {
          scheme: 'PBI_APBD',
          status: 'ACTIVE',
          since,
          source: 'BIRTH',
          periodSk: `COV#${since}#v000001`,
          reason: 'Bayi baru lahir dari ibu peserta PBI APBD',
          actor: ctx.actor.sub,
        }
      : null,
    recordedAt: ctx.now,
    ...(input.nik ? { nikAssignedAt: ctx.now } : {}),
  };
  const writes: Write[] = [
    {
      kind: 'put',
      item: { ...motherBirthKey(birth), id: birth.id },
      guard: { ConditionExpression: 'attribute_not_exists(pk)' },
    },
    // The mother as read: her coverage decides the child's.
    {
      kind: 'check',
      key: residentKey(mother.nik),
      guard: { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': mother.version } },
    },
    {
      kind: 'put',
      item: {
        ...birthKey(birth.id),
        ...birth,
        // A city-paid newborn without a NIK yet is in the city-paid index by its birth, so BPJS's invoice is checked
        // against the whole bill; its resident's coverage period takes over once the NIK comes.
        ...(covered && !input.nik ? cityPaidKey(birth.motherNik, since, `BIRTH#${birth.id}`) : {}),
      },
    },
  ];
  if (covered) writes.push({ kind: 'premium', month: monthWib(since), delta: 1 });
  if (input.nik) writes.push(...newbornWrites(birth, input.nik, mother, ctx.now));
  writes.push({
    kind: 'audit',
    audit: {
      entity: `BIRTH#${birth.id}`,
      action: 'BirthRecorded',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      after: { birthDate: birth.birthDate, order, rt: birth.rt, covered, withNik: !!input.nik },
    },
  });
  return { writes, outcome: birth };
}

export async function recordBirth(input: BirthInput, ctx: WriteContext): Promise<Birth> {
  const plan = planBirth(input, await getResident(input.motherNik), ctx, randomUUID());
  try {
    await transact(transactItems(plan.writes));
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.[0] === 'ConditionalCheckFailed') {
      const first = await ddb().send(
        new GetCommand({ TableName: T(), Key: motherBirthKey(plan.outcome), ConsistentRead: true }),
      );
      const existing = first.Item ? await getBirth(String(first.Item.id)) : undefined;
      throw new Conflict('This birth is recorded already (the same mother, day and order)', {
        ...(existing ? { birth: birthView(existing) } : {}),
      });
    }
    // The mother changed meanwhile: record it again against what she is now.
    if (reasons?.[1] === 'ConditionalCheckFailed') return recordBirth(input, ctx);
    const newborn = plan.writes.findIndex((w) => w.kind === 'put' && w.item.sk === 'PROFILE');
    if (newborn >= 0 && reasons?.[newborn] === 'ConditionalCheckFailed') throw nikTaken();
    throw error;
  }
  return plan.outcome;
}

/** Dukcapil has issued the child's NIK: the birth record becomes a resident of the mother's RT. */
export async function assignBirthNik(id: string, nik: string, ctx: WriteContext): Promise<Birth> {
  const birth = await getBirth(id);
  if (!birth) throw new NotFound('No birth with this id');
  if (birth.nik) throw new Conflict('This birth has its NIK already', { nik: birth.nik });
  if (nik === birth.motherNik) throw ValidationError.field('nik', "is the mother's NIK");
  const mother = await getResident(birth.motherNik);
  if (!mother) throw new NotFound("The mother's record is gone");
  const after: Birth = { ...birth, nik, nikAssignedAt: ctx.now };
  const items: TransactItem[] = [
    ...transactItems(newbornWrites(birth, nik, mother, ctx.now)),
    {
      Update: {
        TableName: T(),
        Key: birthKey(id),
        // The child's own coverage period is in the city-paid index from now on, not the birth.
        UpdateExpression: 'SET nik = :nik, nikAssignedAt = :at REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_type(nik, :null)',
        ExpressionAttributeValues: { ':nik': nik, ':at': ctx.now, ':null': 'NULL' },
      },
    },
    auditPut({
      entity: `BIRTH#${id}`,
      action: 'BirthNikAssigned',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      after: { registered: true },
    }),
  ];
  try {
    await transact(items);
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.[0] === 'ConditionalCheckFailed') throw nikTaken();
    if (reasons?.some((r) => r === 'ConditionalCheckFailed'))
      throw new Conflict('This birth has its NIK already');
    throw error;
  }
  return after;
}
