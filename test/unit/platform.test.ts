import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { authorize, parseGroups } from '../../shared/platform/auth.ts';
import { EVENT_RULES, matches } from '../../shared/platform/event-rules.ts';
import { maskPersonalData } from '../../shared/platform/logger.ts';
import { ROUTES, routeKey } from '../../shared/platform/routes.ts';
import { importObjectKey, jobIdOfKey } from '../../shared/registry/import-jobs.ts';
import { httpEvent } from '../support/events.ts';

describe('claims', () => {
  it('reads groups in every form Cognito and HTTP API send them', () => {
    expect(parseGroups('[city_admin clinic]')).toEqual(['city_admin', 'clinic']);
    expect(parseGroups('["city_admin","clinic"]')).toEqual(['city_admin', 'clinic']);
    expect(parseGroups(['rt_chair'])).toEqual(['rt_chair']);
    expect(parseGroups('operator')).toEqual(['operator']);
    expect(parseGroups(undefined)).toEqual([]);
  });

  it('authorize admits by the route table and carries the chair RT', () => {
    const p = authorize(
      httpEvent({ routeKey: 'GET /residents/{nik}', groups: ['rt_chair'], rt: '1571011012-003-012' }),
    );
    expect(p).toEqual({ sub: 'user-1', roles: ['rt_chair'], rt: '1571011012-003-012' });
    expect(() => authorize(httpEvent({ routeKey: 'GET /uhc', groups: ['rt_chair'] }))).toThrow(/city_admin/);
    expect(() => authorize(httpEvent({ routeKey: 'GET /uhc' }))).toThrow(/bearer token/);
    expect(() => authorize(httpEvent({ routeKey: 'GET /nope' }))).toThrow(/not in the route table/);
  });
});

describe('route table and event rules', () => {
  it('every route and rule names a handler file that exists, once', () => {
    const keys = ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const h of [...ROUTES, ...EVENT_RULES].map((r) => r.handler)) expect(existsSync(h), h).toBe(true);
  });

  it('rules match by source, detail-type and key prefix', () => {
    const s3 = EVENT_RULES.find((r) => r.name === 'ResidentImportUploaded')!;
    const created = (key: string) => ({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { object: { key } },
    });
    expect(matches(s3.pattern, created('imports/residents/abc.csv'))).toBe(true);
    expect(matches(s3.pattern, created('receipts/abc.jpg'))).toBe(false);
    expect(
      matches(s3.pattern, { ...created('imports/residents/a.csv'), 'detail-type': 'Object Deleted' }),
    ).toBe(false);
  });

  it('each kind of upload reaches its own worker, and no other', () => {
    const created = (key: string) => ({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { object: { key } },
    });
    const workers = (key: string) =>
      EVENT_RULES.filter((r) => matches(r.pattern, created(key))).map((r) => r.handler);
    const id = '0b7e2a52-5f7e-4a44-9d43-b0c1f0a2d3e4';
    expect(workers(importObjectKey(id, 'RESIDENTS'))).toEqual(['functions/registry/import-worker.ts']);
    expect(workers(importObjectKey(id, 'CIVIL_EVENTS'))).toEqual([
      'functions/registry/civil-events-worker.ts',
    ]);
    expect(workers(importObjectKey(id, 'RECONCILIATION'))).toEqual([
      'functions/registry/reconciliation-worker.ts',
    ]);
    expect(jobIdOfKey(importObjectKey(id, 'CIVIL_EVENTS'), 'CIVIL_EVENTS')).toBe(id);
    expect(jobIdOfKey(importObjectKey(id, 'CIVIL_EVENTS'), 'RESIDENTS')).toBeUndefined();
    expect(jobIdOfKey(`imports/residents/${id}.csv.bak`, 'RESIDENTS')).toBeUndefined();
  });
});

describe('log masking', () => {
  it('masks NIKs, KK numbers and phones in any spelling', () => {
    const text =
      'nik 1571015506900002 kk=1571010101010001 hp 0812-3456-7890 / +6281234567890 / 6281234567890';
    const masked = maskPersonalData(text);
    expect(masked).not.toMatch(/\d{16}/);
    expect(masked).not.toContain('3456');
    expect(masked).toContain('1571********0002');
  });

  it('leaves request ids alone, however many digits they hold', () => {
    // An API Gateway request id that a CI run saw masked as "…-b[phone]d0c1".
    for (const id of ['9beb0f05-63d5-443a-b083-95042955d0c1', '12345678-0812-3456-7890-081234567890']) {
      expect(maskPersonalData(`correlation ${id}`)).toBe(`correlation ${id}`);
    }
    expect(maskPersonalData('hp 081234567890, HP:0812 3456 7890')).toBe('hp [phone], HP:[phone]');
  });
});
