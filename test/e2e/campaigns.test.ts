// End to end over HTTP: SMS reminder campaigns — created, changed only by new versions (the old version kept
// as it was), the same content again answered without a write, templates that could overflow one SMS refused
// with their worst-case length, every field's problem named, and the city's role required.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { campaignVersions } from '../../shared/reminder/campaigns.ts';
import { seededCampaigns } from '../../shared/reminder/seeded.ts';
import { httpClient, issuePaths } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const RT = demoRts(1)[0]!.rt;
const token: Record<string, string> = {};

const ckg = {
  id: 'ckg-test',
  name: 'CKG ulang tahun (uji)',
  kind: 'BIRTHDAY',
  offsetsDays: [-30, -7, -1, 0],
  audience: { ageBands: [{ min: 0, max: 6 }, { min: 18 }] },
  template: 'Halo {name}, ultah Anda {date}. Ayo CKG di {puskesmas}.',
  sendHourWib: 8,
  active: true,
};

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false });
  for (const role of ['city_admin', 'operator']) {
    const res = await call('POST', '/auth/dev-token', { json: { role } });
    token[role] = res.body.token;
  }
});

afterAll(async () => {
  await sys?.stop();
});

describe('campaigns', () => {
  it('creates version 1, answers the same content without a new version, and makes version 2 on a change', async () => {
    const first = await call('POST', '/campaigns', { as: token.city_admin, json: ckg });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ id: 'ckg-test', version: 1, sendHourWib: 8, active: true });
    expect(first.body.worstCaseLength).toBe(ckg.template.length - '{name}{date}{puskesmas}'.length + 71);

    const same = await call('POST', '/campaigns', { as: token.city_admin, json: ckg });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);

    const changed = await call('POST', '/campaigns', {
      as: token.city_admin,
      json: { ...ckg, offsetsDays: [-7, 0] },
    });
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ version: 2, offsetsDays: [-7, 0] });

    const versions = await campaignVersions('ckg-test');
    expect(versions.map((v) => [v.version, v.offsetsDays])).toEqual([
      [1, [-30, -7, -1, 0]],
      [2, [-7, 0]],
    ]);
    const list = await call('GET', '/campaigns', { as: token.city_admin });
    expect(list.body.items.find((c: { id: string }) => c.id === 'ckg-test')).toMatchObject({ version: 2 });
  });

  it('refuses a template that could render over one SMS, with its worst-case length', async () => {
    const long = `Bapak/Ibu {name}, jangan lupa Cek Kesehatan Gratis di {puskesmas} pada {date}. ${'Info lengkap di kelurahan. '.repeat(3)}`;
    const res = await call('POST', '/campaigns', {
      as: token.city_admin,
      json: { ...ckg, id: 'too-long', template: long },
    });
    expect(issuePaths(res)).toEqual(['template']);
    expect(res.body.worstCaseLength).toBeGreaterThan(160);
    expect(res.body.issues[0].message).toContain(`${res.body.worstCaseLength} characters`);
    expect(
      (await call('GET', '/campaigns', { as: token.city_admin })).body.items.map((c: { id: string }) => c.id),
    ).not.toContain('too-long');
  });

  it('names every bad field', async () => {
    const res = await call('POST', '/campaigns', {
      as: token.city_admin,
      json: {
        id: 'X!',
        name: 'ab',
        kind: 'DATE_FIELD',
        offsetsDays: [],
        template: 'Hi',
        sendHourWib: 22,
        audience: { area: 'Jambi', ageMin: 70, ageMax: 60 },
      },
    });
    expect(issuePaths(res).sort()).toEqual(
      [
        'audience.ageMax',
        'audience.area',
        'dateField',
        'id',
        'name',
        'offsetsDays',
        'sendHourWib',
        'template',
      ].sort(),
    );
    const noField = await call('POST', '/campaigns', {
      as: token.city_admin,
      json: { ...ckg, id: 'imun', kind: 'DATE_FIELD' },
    });
    expect(issuePaths(noField)).toEqual(['dateField']);
    const noDate = await call('POST', '/campaigns', {
      as: token.city_admin,
      json: { ...ckg, id: 'bc', kind: 'BROADCAST' },
    });
    expect(issuePaths(noDate)).toEqual(['date']);
  });

  it('takes the seeded campaigns as they are', async () => {
    for (const c of seededCampaigns('2026-11-29', RT)) {
      const res = await call('POST', '/campaigns', { as: token.city_admin, json: c });
      expect(res.status, `${c.id}: ${res.text}`).toBe(201);
    }
  });

  it('is for the city only', async () => {
    expect((await call('POST', '/campaigns', { as: token.operator, json: ckg })).status).toBe(403);
    expect((await call('GET', '/campaigns', { as: token.operator })).status).toBe(403);
  });
});
