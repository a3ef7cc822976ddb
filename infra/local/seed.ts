// Seeds local mode's demo data once: the RTs and 500 residents (through the real import), then a few
// coverage changes through the real domain so histories, the outbox and the aggregates have something; and
// the 112 call centre's units, available; and the starting SMS campaigns.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { createUnit, setUnitStatus } from '#shared/incident/units.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { runImport } from '#shared/registry/import.ts';
import { changeCoverage, putRt } from '#shared/registry/repository.ts';
import { saveCampaign } from '#shared/reminder/campaigns.ts';
import { campaignSchema } from '#shared/reminder/schemas.ts';
import { seededCampaigns } from '#shared/reminder/seeded.ts';
import { demoResidents, demoRts, demoUnits, toCsv } from './demo-data.ts';

const MARKER = { pk: 'SEED', sk: 'DEMO' };
const SEED_ACTOR = { sub: 'seed', roles: ['city_admin'] };

export async function isSeeded(): Promise<boolean> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName('registry'), Key: MARKER, ConsistentRead: true }),
  );
  return !!out.Item;
}

export async function seedDemoData(residents = 500): Promise<{ rts: number; residents: number }> {
  const rts = demoRts(12);
  for (const rt of rts) await putRt(rt);
  const people = demoResidents(residents + 20, rts).slice(0, residents);
  const now = new Date().toISOString();
  const result = await runImport(toCsv(people), { actor: SEED_ACTOR, requestId: 'seed', now });
  // Some uninsured poor residents become city-paid, as a verifier would decide.
  const uninsured = people.filter((p) => !p.scheme && p.lowIncome).slice(0, 5);
  for (const p of uninsured) {
    await changeCoverage(
      p.nik,
      { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'Warga miskin, ditetapkan PBI APBD', source: 'MANUAL' },
      { actor: SEED_ACTOR, requestId: `seed-${p.nik.slice(-4)}`, now: new Date().toISOString() },
    );
  }
  const operator = { sub: 'seed', roles: ['operator'] };
  for (const unit of demoUnits()) {
    const ctx = { actor: operator, requestId: `seed-${unit.id}`, now };
    await createUnit(unit, ctx);
    await setUnitStatus(unit.id, 'AVAILABLE', undefined, { ...ctx, requestId: `${ctx.requestId}-available` });
  }
  // The city's starting campaigns; the example broadcast is for the coming Sunday.
  const sunday = new Date(Date.now() + 7 * 3_600_000);
  sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7 || 7));
  for (const campaign of seededCampaigns(sunday.toISOString().slice(0, 10))) {
    await saveCampaign(z.parse(campaignSchema, campaign), {
      actor: SEED_ACTOR,
      requestId: `seed-${campaign.id}`,
      now,
    });
  }
  await ddb().send(
    new PutCommand({
      TableName: tableName('registry'),
      Item: { ...MARKER, at: now, residents: result.imported },
    }),
  );
  return { rts: rts.length, residents: result.imported };
}
