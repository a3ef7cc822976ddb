// End to end over HTTP, through the local system: a CKG campaign, residents registered through the API, the
// daily job run for a chosen day (as POST /jobs/reminders/run and as the scheduler's job), the SMS in the outbox
// through the queue and the sender, delivery reports recorded, a re-run sending nothing twice, an inbound
// BERHENTI and a clinic's recorded check stopping the next reminders, MULAI opting back in, and the stats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmsEntry } from '../../infra/local/outbox.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { seededCampaigns } from '../../shared/reminder/seeded.ts';
import { httpClient, issuePaths } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};
const RT = '1571011012-004-005';
const DAY = '2026-06-15';

const person = (name: string, birthDate: string, n: number, over: Record<string, unknown> = {}) => ({
  nik: makeNik({ regionCode: '15.71.01.1012', birthDate, sex: 'F', sequence: 9100 + n }),
  kk: '1571010101019100',
  name,
  birthDate,
  sex: 'F',
  phone: `08129100000${n}`,
  rt: RT,
  smsConsent: true,
  ...over,
});
const ani = person('Ani Lestari', '1990-06-15', 1);
const budi = person('Budiarti', '1985-06-15', 2);
const citra = person('Citra Dewi', '1980-06-15', 3, { smsConsent: false });
const dewi = person('Dewi Sartika', '2012-06-15', 4); // 14 on her birthday: not in CKG's birthday track

const reminders = () =>
  sys.outbox.list(1000).filter((e): e is SmsEntry => e.channel === 'sms' && e.purpose.startsWith('reminder'));
const settle = async () => {
  await sys.queue.drain();
  await sys.deliveries.drain();
};
const run = (date: string, as = token.city_admin) => call('POST', `/jobs/reminders/run?date=${date}`, { as });

beforeAll(async () => {
  // Whatever the hour this runs at, nothing waits for morning.
  process.env.SMS_QUIET_HOURS_WIB = 'off';
  resetConfig();
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false });
  for (const role of ['city_admin', 'clinic']) {
    token[role] = (await call('POST', '/auth/dev-token', { json: { role } })).body.token;
  }
  const rt = await call('POST', '/rts', {
    as: token.city_admin,
    json: { rt: RT, chairName: 'Ketua RT Uji', households: 90 },
  });
  expect(rt.status, rt.text).toBe(201);
  for (const p of [ani, budi, citra, dewi]) {
    const res = await call('POST', '/residents', { as: token.city_admin, json: p });
    expect(res.status, res.text).toBe(201);
  }
  const ckg = seededCampaigns('2026-12-06', RT).find((c) => c.id === 'ckg-ulang-tahun')!;
  expect((await call('POST', '/campaigns', { as: token.city_admin, json: ckg })).status).toBe(201);
});

afterAll(async () => {
  await sys?.stop();
  delete process.env.SMS_QUIET_HOURS_WIB;
  resetConfig();
});

describe('the daily reminders job', () => {
  it('queues the day’s reminders, which reach the outbox once and are recorded delivered', async () => {
    const res = await run(DAY);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      date: DAY,
      due: 3,
      queued: 2,
      skipped: { noPhone: 0, noConsent: 1, optedOut: 0, duplicate: 0, alreadyChecked: 0 },
    });
    await settle();
    const sms = reminders();
    expect(sms.map((s) => s.phone).sort()).toEqual(['+6281291000001', '+6281291000002']);
    expect(sms.find((s) => s.phone === '+6281291000001')!.text).toBe(
      'Halo Ani, ultah Anda 15 Jun 2026. Ayo Cek Kesehatan Gratis di puskesmas terdekat, bawa KTP. Balas STOP utk berhenti.',
    );

    const again = await run(DAY);
    expect(again.body).toMatchObject({ due: 3, queued: 0, skipped: { duplicate: 2 } });
    // The scheduler's own entry point (`npm run job -- reminders --date`) finds the same: nothing new.
    const job = await call('POST', `/dev/jobs/reminders?date=${DAY}`);
    expect(job.body).toMatchObject({ date: DAY, queued: 0, skipped: { duplicate: 2 } });
    await settle();
    expect(reminders()).toHaveLength(2);
  });

  it('an inbound BERHENTI and a recorded check stop the next reminders; MULAI opts back in', async () => {
    const stop = await call('POST', '/sms/inbound', {
      json: { originationNumber: '+6281291000002', messageBody: 'berhenti', inboundMessageId: 'in-e2e-1' },
    });
    expect(stop.status, stop.text).toBe(200);
    expect(stop.body).toEqual({ action: 'OPTED_OUT' });
    const check = await call('POST', `/residents/${ani.nik}/checks`, {
      as: token.clinic,
      json: { date: '2026-06-10', place: 'Puskesmas uji' },
    });
    expect(check.status, check.text).toBe(201);
    expect(check.body).toEqual({ nik: ani.nik, lastCheckDate: '2026-06-10', recorded: true });

    // The day before the birthday: Ani was checked this year, Budiarti stopped, Citra gave no consent.
    const res = await run('2026-06-14');
    expect(res.body).toMatchObject({
      due: 3,
      queued: 0,
      skipped: { noConsent: 1, optedOut: 1, alreadyChecked: 1, duplicate: 0 },
    });
    await settle();
    expect(reminders()).toHaveLength(2);

    const start = await call('POST', '/sms/inbound', {
      json: { originationNumber: '+6281291000002', messageBody: 'MULAI', inboundMessageId: 'in-e2e-2' },
    });
    expect(start.body).toEqual({ action: 'OPTED_IN' });
    // Thirty days before the same birthday: Ani stays checked for the year, Budiarti hears again.
    const next = await run('2026-05-16');
    expect(next.body).toMatchObject({ queued: 1, skipped: { optedOut: 0, alreadyChecked: 1 } });
    await settle();
    expect(reminders().filter((s) => s.phone === '+6281291000002')).toHaveLength(2);
  });

  it('reports due, sent, delivered, skipped by reason and the estimated cost over days', async () => {
    const res = await call('GET', '/reminders/stats?from=2026-05-01&to=2026-06-30', { as: token.city_admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      due: 9,
      queued: 3,
      sent: 3,
      delivered: 3,
      failed: 0,
      skipped: { noPhone: 0, noConsent: 3, optedOut: 1, alreadyChecked: 2, duplicate: 2 },
      parts: 3,
      // Three one-part SMS at SNS's price per part to Indonesia (config SMS_PRICE_USD_PER_PART).
      estimatedCostUsd: 0.1242,
      // What the spend is held against: SMS_MONTHLY_BUDGET_USD (US$ 200 unless set).
      budgetUsd: Number(process.env.SMS_MONTHLY_BUDGET_USD ?? 200),
    });
    expect(res.body.days.map((d: { date: string }) => d.date)).toEqual(['2026-05-16', '2026-06-14', DAY]);
  });

  it('refuses bad days and other roles, naming the field', async () => {
    expect(issuePaths(await run('2026-02-30'))).toEqual(['date']);
    expect(
      issuePaths(
        await call('GET', '/reminders/stats?from=2026-06-30&to=2026-06-01', { as: token.city_admin }),
      ),
    ).toEqual(['to']);
    expect((await run(DAY, token.clinic)).status).toBe(403);
    expect((await call('GET', '/reminders/stats', { as: token.clinic })).status).toBe(403);
    expect(
      issuePaths(
        await call('POST', `/residents/${ani.nik}/checks`, {
          as: token.clinic,
          json: { date: '2099-01-01' },
        }),
      ),
    ).toEqual(['date']);
  });
});
