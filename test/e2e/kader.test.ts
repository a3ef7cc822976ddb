// End to end over HTTP: the kader register and their work — a registered resident becomes a kader (404 unknown, 409
// twice), a level change kept in the history, the register by area and level, the kader's own account (staff, or a
// dev token) recording activities once per Idempotency-Key, the month's count, 403 for another kader's, 400 for a day
// in the future or before the previous month, a home visit linked to the resident's open homecare request, retiring.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { oldestRecordable } from '../../shared/kader/activities.ts';
import { ROUTES } from '../../shared/platform/routes.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};
const [RT_A, RT_B] = demoRts(2);

async function devToken(req: Record<string, string>): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

let seq = 1;
async function resident(rt: string, name = 'Kader Uji') {
  const kel = rt.slice(0, 6);
  const body = {
    nik: makeNik({ regionCode: kel, birthDate: '1985-06-15', sex: 'F', sequence: 300 + seq++ }),
    kk: `${kel}0203040${String(seq).padStart(3, '0')}`,
    name,
    birthDate: '1985-06-15',
    sex: 'F',
    rt,
    phone: `+6281288${String(40000 + seq).padStart(5, '0')}`,
  };
  const res = await call('POST', '/residents', { as: token.admin, json: body });
  expect(res.status, res.text).toBe(201);
  return body;
}

const record = (as: string, nik: string, body: Json, key: string | null = randomUUID()) =>
  call('POST', `/kader/${nik}/activities`, {
    as,
    json: body,
    headers: key ? { 'idempotency-key': key } : {},
  });

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false, timers: 'manual' });
  token.admin = await devToken({ role: 'city_admin' });
  for (const rt of [RT_A!, RT_B!]) {
    const res = await call('POST', '/rts', {
      as: token.admin,
      json: { rt: rt.rt, chairName: rt.chairName, households: 80 },
    });
    expect(res.status, res.text).toBe(201);
  }
  token.clinic = await devToken({ role: 'clinic' });
  token.chair = await devToken({ role: 'rt_chair', rt: RT_A!.rt });
});

afterAll(async () => {
  await sys?.stop();
});

describe('the register', () => {
  it('registers a resident as a kader once, keeps a level change in the history, and lists by area and level', async () => {
    const r = await resident(RT_A!.rt, 'Sri Wahyuni');
    const made = await call('POST', '/kader', {
      as: token.admin,
      json: {
        nik: r.nik,
        level: 'AWAL',
        posyandu: 'Posyandu Melati',
        rt: RT_A!.rt,
        certifiedOn: '2026-03-01',
      },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({
      nik: r.nik,
      name: 'Sri Wahyuni',
      level: 'AWAL',
      status: 'ACTIVE',
      kelurahan: RT_A!.kelurahan,
    });
    const again = await call('POST', '/kader', { as: token.admin, json: { nik: r.nik, level: 'UTAMA' } });
    expect(again.status).toBe(409);
    expect(again.body.kader.level).toBe('AWAL');
    const stranger = makeNik({ regionCode: '157101', birthDate: '1980-01-01', sex: 'M', sequence: 9000 });
    expect(
      (await call('POST', '/kader', { as: token.admin, json: { nik: stranger, level: 'AWAL' } })).status,
    ).toBe(404);
    expect(
      issuePaths(
        await call('POST', '/kader', { as: token.admin, json: { nik: '1', level: 'SENIOR' } }),
      ).sort(),
    ).toEqual(['level', 'nik']);
    expect(
      (await call('POST', '/kader', { as: token.clinic, json: { nik: r.nik, level: 'AWAL' } })).status,
    ).toBe(403);

    const up = await call('PUT', `/kader/${r.nik}`, {
      as: token.admin,
      json: { level: 'MADYA', reason: 'Lulus uji kompetensi madya' },
    });
    expect(up.status, up.text).toBe(200);
    expect(up.body.level).toBe('MADYA');
    expect(
      issuePaths(await call('PUT', `/kader/${r.nik}`, { as: token.admin, json: { level: 'UTAMA' } })),
    ).toEqual(['reason']);
    const got = await call('GET', `/kader/${r.nik}`, { as: token.clinic });
    expect(got.body.history.map((h: Json) => h.action)).toEqual(['REGISTERED', 'CHANGED']);
    expect(got.body.history[1]).toMatchObject({
      before: { level: 'AWAL' },
      after: { level: 'MADYA' },
      reason: 'Lulus uji kompetensi madya',
    });

    const other = await resident(RT_B!.rt, 'Budi Kader');
    expect(
      (await call('POST', '/kader', { as: token.admin, json: { nik: other.nik, level: 'UTAMA' } })).status,
    ).toBe(201);
    const inA = await call('GET', `/kader?area=${RT_A!.kelurahan}`, { as: token.clinic });
    expect(inA.body.items.map((k: Json) => k.nik)).toEqual([r.nik]);
    const utama = await call('GET', '/kader?level=UTAMA', { as: token.admin });
    expect(utama.body.items.map((k: Json) => k.nik)).toEqual([other.nik]);
    const paged = await call('GET', '/kader?limit=1', { as: token.admin });
    expect(paged.body.items).toHaveLength(1);
    const rest = await call('GET', `/kader?limit=1&cursor=${paged.body.cursor}`, { as: token.admin });
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.items[0].nik).not.toBe(paged.body.items[0].nik);
    expect(issuePaths(await call('GET', '/kader?area=99', { as: token.admin }))).toEqual(['area']);
    expect((await call('GET', '/kader', { as: token.chair })).status).toBe(403);
  });
});

describe('activities', () => {
  it("records a kader's own activities once per key, counts the month, and refuses another kader's", async () => {
    const r = await resident(RT_A!.rt, 'Rina Kader');
    expect(
      (
        await call('POST', '/kader', {
          as: token.admin,
          json: { nik: r.nik, level: 'AWAL', since: oldestRecordable(todayWib()) },
        })
      ).status,
    ).toBe(201);
    const other = await resident(RT_A!.rt, 'Lain Kader');
    expect(
      (await call('POST', '/kader', { as: token.admin, json: { nik: other.nik, level: 'AWAL' } })).status,
    ).toBe(201);
    // The kader signs in with a staff account made for their NIK.
    const staff = await call('POST', '/staff', {
      as: token.admin,
      json: { username: 'kader.rina', name: 'Rina Kader', role: 'kader', nik: r.nik, phone: r.phone },
    });
    expect(staff.status, staff.text).toBe(201);
    const kader = await devToken({ role: 'kader', username: 'kader.rina' });
    const today = todayWib();
    const key = randomUUID();
    const body = { date: today, kind: 'POSYANDU', note: 'Menimbang 32 balita' };
    const first = await record(kader, r.nik, body, key);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ activity: { kind: 'POSYANDU', date: today }, monthCount: 1 });
    const replay = await record(kader, r.nik, body, key);
    expect(replay.body.activity.id).toBe(first.body.activity.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await record(kader, r.nik, { ...body, note: 'Lain' }, key)).status).toBe(422);
    expect((await record(kader, r.nik, body, null)).status).toBe(400);
    // Another kader's record: 403; a clinic may record for any kader.
    expect((await record(kader, other.nik, body)).status).toBe(403);
    expect((await record(token.clinic!, r.nik, { ...body, kind: 'POSBINDU' })).status).toBe(201);
    expect((await call('GET', `/kader/${other.nik}`, { as: kader })).status).toBe(403);
    // Days: not in the future, not before the previous month.
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const before = new Date(Date.parse(`${oldestRecordable(today)}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(issuePaths(await record(kader, r.nik, { ...body, date: tomorrow }))).toEqual(['date']);
    expect(issuePaths(await record(kader, r.nik, { ...body, date: before }))).toEqual(['date']);
    expect((await record(kader, r.nik, { ...body, date: oldestRecordable(today) })).status).toBe(201);
    // A home visit names the resident.
    expect(issuePaths(await record(kader, r.nik, { ...body, kind: 'HOME_VISIT' }))).toEqual(['residentNik']);

    const month = await call('GET', `/kader/${r.nik}/activities`, { as: kader });
    expect(month.status, month.text).toBe(200);
    expect(month.body).toMatchObject({
      month: today.slice(0, 7),
      activities: 2,
      required: 4,
      qualifies: false,
      incentive: 300_000,
    });
    expect(month.body.items.map((a: Json) => a.kind).sort()).toEqual(['POSBINDU', 'POSYANDU']);
    const self = await call('GET', `/kader/${r.nik}`, { as: kader });
    expect(self.body.months[0]).toMatchObject({ activities: 2 });
  });

  it("links a home visit to the resident's open homecare request, and stops a retired kader", async () => {
    const pkm = await call('POST', '/puskesmas', {
      as: token.admin,
      json: { code: 'PKM-KADER', name: 'Puskesmas Uji Kader (data demo)', kelurahan: [RT_A!.kelurahan] },
    });
    expect(pkm.status, pkm.text).toBe(201);
    const patient = await resident(RT_A!.rt, 'Nenek Homecare');
    const hc = await call('POST', '/homecare/requests', {
      as: token.chair,
      json: { nik: patient.nik, need: 'ELDERLY_IMMOBILE', note: 'Tidak bisa berjalan' },
    });
    expect(hc.status, hc.text).toBe(201);
    const k = await resident(RT_A!.rt, 'Kader Kunjung');
    expect(
      (await call('POST', '/kader', { as: token.admin, json: { nik: k.nik, level: 'UTAMA' } })).status,
    ).toBe(201);
    const kader = await devToken({ role: 'kader', nik: k.nik });
    const visit = await record(kader, k.nik, {
      date: todayWib(),
      kind: 'HOME_VISIT',
      residentNik: patient.nik,
      note: 'Cek tensi dan obat',
    });
    expect(visit.status, visit.text).toBe(201);
    expect(visit.body.activity).toMatchObject({ residentNik: patient.nik, homecareRequestId: hc.body.id });

    const retired = await call('POST', `/kader/${k.nik}/retire`, {
      as: token.admin,
      json: { date: todayWib(), reason: 'Pindah tugas' },
    });
    expect(retired.status, retired.text).toBe(200);
    expect(retired.body).toMatchObject({ status: 'RETIRED', retiredOn: todayWib() });
    const after = await record(kader, k.nik, { date: todayWib(), kind: 'EDUCATION', note: 'Penyuluhan DBD' });
    expect(after.status).toBe(409);
    expect(
      (
        await call('POST', `/kader/${k.nik}/retire`, {
          as: token.admin,
          json: { date: todayWib(), reason: 'Lagi' },
        })
      ).status,
    ).toBe(409);
    expect(issuePaths(await call('POST', '/auth/dev-token', { json: { role: 'kader' } }))).toEqual(['nik']);
  });
});

describe('the monthly incentive and the kader’s BPJS Ketenagakerjaan cover', () => {
  it('pays last month once, lists who not and why, texts each paid kader, exports the transfer list', async () => {
    const since = oldestRecordable(todayWib());
    const month = since.slice(0, 7);
    const crew: Awaited<ReturnType<typeof resident>>[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await resident(RT_B!.rt, `Kader Bulan ${i}`);
      const made = await call('POST', '/kader', {
        as: token.admin,
        json: { nik: r.nik, level: 'MADYA', since },
      });
      expect(made.status, made.text).toBe(201);
      crew.push(r);
    }
    // Two reach the four activities, the third has one.
    for (const [i, r] of crew.entries()) {
      for (let n = 0; n < (i < 2 ? 4 : 1); n++) {
        const res = await record(token.clinic!, r.nik, {
          date: `${month}-${String(5 + n).padStart(2, '0')}`,
          kind: 'POSBINDU',
          note: 'Cek tensi lansia',
        });
        expect(res.status, res.text).toBe(201);
      }
    }
    // Covered by BPJS Ketenagakerjaan from the day they began: the month's bill counts them.
    const bill = await call('GET', `/premiums/${month}?scheme=BPJSTK_BPU`, { as: token.admin });
    expect(bill.status, bill.text).toBe(200);
    expect(bill.body.residents).toBeGreaterThanOrEqual(3);
    expect(bill.body.premiumPerPerson).toBe(16_800);

    const path = `/kader/incentives/${month}`;
    expect(issuePaths(await call('POST', path, { as: token.admin }))).toEqual(['Idempotency-Key']);
    expect(
      (await call('POST', path, { as: token.clinic, headers: { 'idempotency-key': randomUUID() } })).status,
    ).toBe(403);
    expect(
      issuePaths(
        await call('POST', `/kader/incentives/${todayWib().slice(0, 7)}`, {
          as: token.admin,
          headers: { 'idempotency-key': randomUUID() },
        }),
      ),
    ).toEqual(['month']);
    const key = randomUUID();
    const run = await call('POST', path, { as: token.admin, headers: { 'idempotency-key': key } });
    expect(run.status, run.text).toBe(201);
    const paid = run.body.paid.filter((p: Json) => crew.some((c) => c.nik === p.nik));
    expect(paid.map((p: Json) => p.name).sort()).toEqual(['Kader Bulan 0', 'Kader Bulan 1']);
    expect(paid.every((p: Json) => p.amount === 300_000)).toBe(true);
    expect(run.body.notPaid.find((n: Json) => n.nik === crew[2]!.nik).reason).toBe(
      'TOO_FEW_ACTIVITIES: 1 of the 4 needed',
    );
    expect(run.body.total).toBe(run.body.paid.length * 300_000);
    const replay = await call('POST', path, { as: token.admin, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const twice = await call('POST', path, { as: token.admin, headers: { 'idempotency-key': randomUUID() } });
    expect(twice.status).toBe(409);

    // One SMS to each paid kader, none to the one not paid; no NIK in any.
    await sys.bus.drain();
    const sms = sys.outbox.list(1000).filter((e) => e.channel === 'sms' && e.purpose === 'kader-incentive');
    const to = (r: { phone: string }) => sms.filter((e) => e.channel === 'sms' && e.phone === r.phone);
    expect(to(crew[0]!)).toHaveLength(1);
    expect(to(crew[1]!)).toHaveLength(1);
    expect(to(crew[2]!)).toHaveLength(0);
    expect(to(crew[0]!)[0]!.text).toContain('Rp 300.000');
    for (const e of sms) expect(e.text).not.toMatch(/\d{16}/);

    const csv = await call('GET', `${path}/export.csv`, { as: token.admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('nik,nama,jumlah');
    expect(csv.text).toContain(`${crew[0]!.nik},Kader Bulan 0,300000`);
    expect(csv.text).not.toContain(crew[2]!.nik);

    const rev = await call('POST', `${path}/reversals`, {
      as: token.admin,
      json: { nik: crew[1]!.nik, reason: 'Kegiatan tercatat ganda' },
    });
    expect(rev.status, rev.text).toBe(201);
    const after = await call('GET', path, { as: token.admin });
    expect(after.body.net).toBe(after.body.total - 300_000);
    expect((await call('GET', `${path}/export.csv`, { as: token.admin })).text).not.toContain(crew[1]!.nik);
    const year = await call('GET', `/kader/incentives?year=${month.slice(0, 4)}`, { as: token.admin });
    expect(year.body.months.find((m: Json) => m.month === month)).toMatchObject({ reversed: 300_000 });
    expect(
      (await call('GET', `/kader/incentives/${todayWib().slice(0, 7)}`, { as: token.admin })).status,
    ).toBe(404);

    // The kader sees last month's incentive on their record; retiring ends their cover.
    const own = await devToken({ role: 'kader', nik: crew[0]!.nik });
    const self = await call('GET', `/kader/${crew[0]!.nik}`, { as: own });
    expect(self.body.months[1]).toMatchObject({
      month,
      activities: 4,
      qualifies: true,
      paid: { amount: 300_000 },
    });
    const retired = await call('POST', `/kader/${crew[0]!.nik}/retire`, {
      as: token.admin,
      json: { date: todayWib(), reason: 'Mengundurkan diri' },
    });
    expect(retired.status, retired.text).toBe(200);
    const cover = await call('GET', `/residents/${crew[0]!.nik}/employment-cover`, { as: token.admin });
    expect(cover.status, cover.text).toBe(200);
    expect(cover.body.status).toBe('NONE');
  });
});

describe('a kader or RT worker who dies or leaves the city', () => {
  it('retires the kader and ends the cover the same day: by the route, and by Dukcapil’s feed', async () => {
    const today = todayWib();
    const [dies, leaves, inFeed] = [
      await resident(RT_A!.rt, 'Kader Meninggal'),
      await resident(RT_A!.rt, 'Pekerja Pindah'),
      await resident(RT_A!.rt, 'Kader Feed'),
    ];
    for (const r of [dies, inFeed]) {
      expect(
        (await call('POST', '/kader', { as: token.admin, json: { nik: r.nik, level: 'AWAL' } })).status,
      ).toBe(201);
    }
    const enrol = await call('POST', `/residents/${leaves.nik}/employment-cover`, {
      as: token.admin,
      json: { from: today, reason: 'Petugas kebersihan RT' },
    });
    expect(enrol.status, enrol.text).toBe(201);
    const cover = async (nik: string) =>
      (await call('GET', `/residents/${nik}/employment-cover`, { as: token.admin })).body.status;
    const kader = async (nik: string) => (await call('GET', `/kader/${nik}`, { as: token.admin })).body;

    const died = await call('POST', `/residents/${dies.nik}/death`, {
      as: token.admin,
      json: { date: today, source: 'DUKCAPIL', reference: 'AKTA-1' },
    });
    expect(died.status, died.text).toBe(200);
    expect(await kader(dies.nik)).toMatchObject({
      status: 'RETIRED',
      retiredOn: today,
      retiredReason: 'Meninggal dunia',
    });
    expect(await cover(dies.nik)).toBe('NONE');

    const moved = await call('POST', `/residents/${leaves.nik}/move`, {
      as: token.admin,
      json: { date: today, to: '31.71' },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(await cover(leaves.nik)).toBe('NONE');

    const feed = await call('POST', '/civil-events/import', {
      as: token.admin,
      text: `event,nik,date,motherNik,name,sex,to,reference\nDEATH,${inFeed.nik},${today},,,,,AKTA-2\n`,
    });
    expect(feed.status, feed.text).toBe(200);
    expect(await kader(inFeed.nik)).toMatchObject({ status: 'RETIRED', retiredOn: today });
    expect(await cover(inFeed.nik)).toBe('NONE');
    // The same file again: nothing left to end, nothing breaks.
    expect(
      (
        await call('POST', '/civil-events/import', {
          as: token.admin,
          text: `event,nik,date\nDEATH,${inFeed.nik},${today}\n`,
        })
      ).status,
    ).toBe(200);
  });
});

describe('who may call the kader routes', () => {
  it('refuses every role a kader route does not list (403), before reading a body', async () => {
    const nik = makeNik({ regionCode: '157101', birthDate: '1980-01-01', sex: 'M', sequence: 9100 });
    const tokens: Record<string, string> = {
      city_admin: token.admin!,
      clinic: token.clinic!,
      rt_chair: token.chair!,
      social_verifier: await devToken({ role: 'social_verifier' }),
      operator: await devToken({ role: 'operator' }),
      responder: await devToken({ role: 'responder', unit: 'AMB-01' }),
      kader: await devToken({ role: 'kader', nik }),
    };
    const kaderRoutes = ROUTES.filter((r) => r.path.startsWith('/kader'));
    expect(kaderRoutes.length).toBe(12);
    for (const route of kaderRoutes) {
      const path = route.path.replace('{nik}', nik).replace('{month}', '2026-01');
      for (const [role, t] of Object.entries(tokens)) {
        if (route.roles === 'public' || (route.roles as readonly string[]).includes(role)) continue;
        const res = await call(route.method, path, { as: t, json: route.method === 'GET' ? undefined : {} });
        expect(res.status, `${role} ${route.method} ${route.path}`).toBe(403);
      }
    }
  });
});
