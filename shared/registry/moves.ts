// A resident's move. Out of the city (Dukcapil's SKPWNI, or the city's own record): kept, marked MOVED_OUT; the
// city-paid coverage ends with the day of the move and is billed through its month, the UHC counts let them go, the
// other schemes (JKN is national) go with them. Within the city: a change of RT, with the counts and the audit.
import { city, kelurahanOfRt, RT_CODE, rtProblem } from '#shared/city/regions.ts';
import { rtResidentsUpdate } from '#shared/city/rts.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { NotFound, ValidationError } from '#shared/platform/errors.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { leavingItems, residentPut } from './leaving.ts';
import { assertResident, getResident, uhcUpdate, type WriteContext } from './repository.ts';
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

export async function recordMove(nik: string, input: MoveInput, ctx: WriteContext): Promise<MoveOutcome> {
  const within = RT_CODE.test(input.to);
  if (within) {
    const problem = rtProblem(input.to);
    if (problem) throw ValidationError.field('to', problem);
  } else if (input.to === city().code || input.to.startsWith(`${city().code}.`)) {
    throw ValidationError.field('to', 'is in the city: give the RT code the resident moved to');
  }
  for (let attempt = 1; ; attempt++) {
    const before = await getResident(nik);
    if (!before) throw new NotFound('No resident with this NIK is registered');
    assertResident(before);
    if (input.date < before.birthDate)
      throw ValidationError.field('date', `is before the resident was born (${before.birthDate})`);
    const now = attempt === 1 ? ctx.now : new Date().toISOString();
    const plan = within ? moveWithin(before, input, ctx, now) : moveOut(before, input, ctx, now);
    try {
      await transact(plan.items);
    } catch (error) {
      const reasons = cancellationReasons(error);
      // The RT it would join: not in the directory, or closed.
      if (within && reasons?.[2] === 'ConditionalCheckFailed')
        throw ValidationError.field('to', `RT ${input.to} is not in the city's RT directory, or is closed`);
      // Another change to the resident got there first: read again.
      if (reasons?.[0] === 'ConditionalCheckFailed' && attempt < 5) continue;
      throw error;
    }
    return plan.outcome;
  }
}

interface MovePlan {
  items: TransactItem[];
  outcome: MoveOutcome;
}

/** To another RT of the city: a normal RT change (the RT must be in the directory and open). */
function moveWithin(before: Resident, input: MoveInput, ctx: WriteContext, now: string): MovePlan {
  if (input.to === before.rt) throw ValidationError.field('to', "is the resident's RT already");
  const kelurahan = kelurahanOfRt(input.to);
  const after: Resident = { ...before, rt: input.to, kelurahan, version: before.version + 1, updatedAt: now };
  const counts = uhcContribution(before.coverage);
  const items: TransactItem[] = [
    residentPut(after, before.version),
    rtResidentsUpdate(before.rt, -1, false),
    rtResidentsUpdate(input.to, 1, true),
  ];
  if (kelurahan !== before.kelurahan) {
    items.push(
      uhcUpdate(before.kelurahan, {
        residents: -counts.residents,
        covered: -counts.covered,
        active: -counts.active,
      })!,
      uhcUpdate(kelurahan, counts)!,
    );
  }
  items.push(
    auditPut({
      entity: `RES#${before.nik}`,
      action: 'ResidentMoved',
      actor: ctx.actor,
      at: now,
      requestId: ctx.requestId,
      before: { rt: before.rt },
      after: { rt: input.to, date: input.date, ...(input.reference ? { reference: input.reference } : {}) },
    }),
  );
  return { items, outcome: { nik: before.nik, status: 'RESIDENT', rt: input.to, kelurahan } };
}

/** Out of the city: the city stops paying after the month of the move, and stops counting them. */
function moveOut(before: Resident, input: MoveInput, ctx: WriteContext, now: string): MovePlan {
  const { PREMIUM_PER_PERSON, PREMIUM_DUE_DAY } = config();
  // The city's own scheme ends here; any other goes with them.
  const closes = before.coverage?.scheme === 'PBI_APBD';
  // The same arithmetic as a death's: billed through the month of the move, no longer.
  const bill = deathBill(before.coverage, before.apbdLastEnd, input.date, todayWib(), PREMIUM_DUE_DAY);
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
  const items = leavingItems(before, after, {
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
    items,
    outcome: {
      nik: before.nik,
      status: 'MOVED_OUT',
      to: input.to,
      coverageClosed: closes,
      overpaid: { months: bill.overpaid, rupiah: bill.overpaid.length * PREMIUM_PER_PERSON },
    },
  };
}
