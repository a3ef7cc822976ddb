// POST /funds/{year}/allocations — the yearly tier allocation for every RT of an area in one go (city_admin):
// {area?, note}. Each RT's account takes its tier allocation once, so running this twice allocates once.
import * as z from 'zod/mini';
import { isActiveRt, listRts } from '#shared/city/rts.ts';
import { allocate } from '#shared/fund/ledger.ts';
import { areaAllocationSchema, yearSchema } from '#shared/fund/schemas.ts';
import { config } from '#shared/platform/config.ts';
import { Conflict } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { mapInFlight } from '#shared/platform/in-flight.ts';

const IN_FLIGHT = 16;

export const handler = httpHandler(
  { params: z.object({ year: yearSchema }), body: areaAllocationSchema },
  async ({ params, body, principal, requestId }) => {
    const area = body.area ?? config().CITY_CODE;
    // Closed RTs get no new year's money.
    const rts = (await listRts(area.replaceAll('.', ''))).filter(isActiveRt);
    const outcome = { allocated: 0, skipped: 0, amount: 0 };
    await mapInFlight(rts, IN_FLIGHT, async (rt) => {
      try {
        const written = await allocate(
          rt.rt,
          params.year,
          { households: rt.households, note: body.note },
          { actor: principal!, requestId, now: new Date().toISOString() },
        );
        outcome.allocated++;
        outcome.amount += written.entry.amount;
      } catch (error) {
        // Already allocated this year (an earlier run, or by hand): once is the rule.
        if (!(error instanceof Conflict)) throw error;
        outcome.skipped++;
      }
    });
    return { status: 200, body: { year: params.year, area, rts: rts.length, ...outcome } };
  },
);
