// A resident's move. Out of the city (Dukcapil's SKPWNI, or the city's own record): kept, marked MOVED_OUT; the
// city-paid coverage ends with the day of the move and is billed through its month, the UHC counts let them go, the
// other schemes (JKN is national) go with them. Within the city: a change of RT, with the counts and the audit.
import { city, kelurahanOfRt, RT_CODE, rtProblem } from '#shared/city/regions.ts';
import { leavingItems } from '#shared/kader/leaving.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, transact } from '#shared/platform/dynamo.ts';
import { NotFound, ValidationError } from '#shared/platform/errors.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { negated, type Plan, transactItems, uhcWrites, type Write } from './batch.ts';
import { leavingWrites, residentPut } from './leaving.ts';
import { assertResident, getResident, type WriteContext } from './repository.ts';
import { deathBill, uhcContribution } from './rules.ts';
import type { MoveInput, Resident } from './schemas.ts';

export type MoveOutcome =
  | {
      nik: string;
      status: 'MOVED_OUT';
      to: string;
      /** The city-paid coverage period, now closed at the move. */
      coverageClosed: boolean;
      /** Billed months after the month of the move whose premium was already due: to recover from BPJS. */
      overpaid: { months: string[]; rupiah: number };
    }
  | { nik: string; status: 'RESIDENT'; rt: string; kelurahan: string };

const isWithin = (input: MoveInput) => RT_CODE.test(input.to);

/** Where to, checked before anyone is read: an RT of the city, or a region outside it (the city itself is neither). */
export function checkMoveTarget(input: MoveInput): void {
  if (isWithin(input)) {
    const problem = rtProblem(input.to);
    if (problem) throw ValidationError.field('to', problem);
  } else if (input.to === city().code || input.to.startsWith(`${city().code}.`)) {
    throw ValidationError.field('to', 'is in the city: give the RT code the resident moved to');
  }
}

const rtRefused = (rt: string) =>
  ValidationError.field('to', `RT ${rt} is not in the city's RT directory, or is closed`);

export async function recordMove(nik: string, input: MoveInput, ctx: WriteContext): Promise<MoveOutcome> {
  checkMoveTarget(input);
  for (let attempt = 1; ; attempt++) {
    const before = await getResident(nik);
    const now = attempt === 1 ? ctx.now : new Date().toISOString();
    const plan = planMove(before, input, ctx, now, todayWib());
    // Leaving the city ends their cover as a kader or RT worker that day, and a kader retires: in the same transaction.
    const work = isWithin(input)
      ? []
      : await leavingItems(nik, input.date, 'Pindah ke luar kota', { ...ctx, now });
    try {
      await transact([...transactItems(plan.writes), ...work]);
    } catch (error) {
      const reasons = cancellationReasons(error);
      // The RT it would join: not in the directory, or closed.
      if (isWithin(input) && reasons?.[2] === 'ConditionalCheckFailed') throw rtRefused(input.to);
      // Another change to the resident got there first: read again.
      if (reasons?.[0] === 'ConditionalCheckFailed' && attempt < 5) continue;
      throw error;
    }
    return plan.outcome;
  }
}

/**
 * A move (its target checked by checkMoveTarget) as planned on the resident as read: refused as the route refuses it,
 * else the writes and the outcome. Pure. `openRts`, when given, are the RTs a resident may move into (an import's
 * copy of the directory); a route leaves that to its transaction's condition.
 */
export function planMove(
  before: Resident | undefined,
  input: MoveInput,
  ctx: WriteContext,
  now: string,
  today: string,
  openRts?: ReadonlySet<string>,
): Plan<MoveOutcome> {
  if (!before) throw new NotFound('No resident with this NIK is registered');
  assertResident(before);
  if (input.date < before.birthDate)
    throw ValidationError.field('date', `is before the resident was born (${before.birthDate})`);
  return isWithin(input)
    ? moveWithin(before, input, ctx, now, openRts)
    : moveOut(before, input, ctx, now, today);
}

/** To another RT of the city: a normal RT change (the RT must be in the directory and open). */
function moveWithin(
  before: Resident,
  input: MoveInput,
  ctx: WriteContext,
  now: string,
  openRts: ReadonlySet<string> | undefined,
): Plan<MoveOutcome> {
  if (input.to === before.rt) throw ValidationError.field('to', "is the resident's RT already");
  if (openRts && !openRts.has(input.to)) throw rtRefused(input.to);
  const kelurahan = kelurahanOfRt(input.to);
  const after: Resident = { ...before, rt: input.to, kelurahan, version: before.version + 1, updatedAt: now };
  const counts = uhcContribution(before.coverage);
  // The RT joined third: a route's cancellation reason at 2 says the RT refused them.
  const writes: Write[] = [
    residentPut(after, before.version),
    { kind: 'rt', rt: before.rt, delta: -1, open: false },
    { kind: 'rt', rt: input.to, delta: 1, open: true },
  ];
  if (kelurahan !== before.kelurahan)
    writes.push(...uhcWrites(before.kelurahan, negated(counts)), ...uhcWrites(kelurahan, counts));
  writes.push({
    kind: 'audit',
    audit: {
      entity: `RES#${before.nik}`,
      action: 'ResidentMoved',
      actor: ctx.actor,
      at: now,
      requestId: ctx.requestId,
      before: { rt: before.rt },
      after: { rt: input.to, date: input.date, ...(input.reference ? { reference: input.reference } : {}) },
    },
  });
  return { writes, outcome: { nik: before.nik, status: 'RESIDENT', rt: input.to, kelurahan } };
}

/** Out of the city: the city stops paying after the month of the move, and stops counting them. */
function moveOut(
  before: Resident,
  input: MoveInput,
  ctx: WriteContext,
  now: string,
  today: string,
): Plan<MoveOutcome> {
  const { PREMIUM_PER_PERSON, PREMIUM_DUE_DAY } = config();
  // The city's own scheme ends here; any other goes with them.
  const closes = before.coverage?.scheme === 'PBI_APBD';
  // The same arithmetic as a death's: billed through the month of the move, no longer.
  const bill = deathBill(before.coverage, before.apbdLastEnd, input.date, today, PREMIUM_DUE_DAY);
  const { deathReport: _report, ...rest } = before;
  const after: Resident = {
    ...rest,
    civilStatus: 'MOVED_OUT',
    movedOut: {
      date: input.date,
      to: input.to,
      ...(input.reference ? { reference: input.reference } : {}),
      recordedAt: now,
    },
    coverage: closes ? null : before.coverage,
    version: before.version + 1,
    updatedAt: now,
    ...(bill.apbdLastEnd ? { apbdLastEnd: bill.apbdLastEnd } : {}),
  };
  const writes = leavingWrites(before, after, {
    date: input.date,
    closes,
    bill,
    now,
    ctx,
    audit: {
      action: 'ResidentMovedOut',
      after: {
        status: 'MOVED_OUT',
        date: input.date,
        to: input.to,
        ...(input.reference ? { reference: input.reference } : {}),
        overpaidMonths: bill.overpaid,
      },
    },
  });
  return {
    writes,
    outcome: {
      nik: before.nik,
      status: 'MOVED_OUT',
      to: input.to,
      coverageClosed: closes,
      overpaid: { months: bill.overpaid, rupiah: bill.overpaid.length * PREMIUM_PER_PERSON },
    },
  };
}
