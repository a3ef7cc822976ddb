// Handler tests with aws-sdk-client-mock: the AWS adapters (DynamoDB, SNS, EventBridge) as Lambda uses them.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleCoverageChanged } from '../../events/registry.ts';
import { handler as changeCoverage } from '../../functions/registry/change-coverage.ts';
import { handler as getCoverage } from '../../functions/registry/get-coverage.ts';
import { handler as notifyCoverage } from '../../functions/registry/notify-coverage-changed.ts';
import { city } from '../../shared/city/regions.ts';
import { setDdb } from '../../shared/platform/dynamo.ts';
import { context, httpEvent, json } from '../support/events.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);
const NIK = '1571015506900002';
const ACTIVE = {
  scheme: 'PBI_APBD',
  status: 'ACTIVE',
  since: '2026-11-01T00:00:00.000Z',
  source: 'IMPORT',
  periodSk: 'COV#x',
};

beforeEach(() => {
  delete process.env.DYNAMODB_ENDPOINT;
  setDdb(undefined);
  ddb.reset();
  sns.reset();
  events.reset();
});
afterEach(() => vi.restoreAllMocks());

const putCoverage = (body: object) =>
  changeCoverage(
    httpEvent({
      routeKey: 'PUT /residents/{nik}/coverage',
      pathParameters: { nik: NIK },
      groups: ['city_admin'],
      body,
    }),
    context(),
  );

const coverageEvent = (groups?: string[], nik = NIK) =>
  httpEvent({ routeKey: 'GET /coverage/{nik}', pathParameters: { nik }, ...(groups ? { groups } : {}) });

describe('GET /coverage/{nik}', () => {
  it('answers from one strongly consistent GetItem', async () => {
    ddb.on(GetCommand).resolves({ Item: { coverage: ACTIVE } });
    const r = json(await getCoverage(coverageEvent(['clinic']), context()));
    expect(r).toEqual({
      status: 200,
      body: {
        nik: NIK,
        covered: true,
        status: 'ACTIVE',
        scheme: 'PBI_APBD',
        since: ACTIVE.since,
        source: 'IMPORT',
      },
    });
    const calls = ddb.commandCalls(GetCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      Key: { pk: `RES#${NIK}`, sk: 'PROFILE' },
      ConsistentRead: true,
    });
  });

  it('404 for an unknown NIK, 400 naming nik for a malformed one, without touching DynamoDB', async () => {
    ddb.on(GetCommand).resolves({});
    expect(json(await getCoverage(coverageEvent(['clinic']), context())).status).toBe(404);
    const bad = json(await getCoverage(coverageEvent(['clinic'], '15710155069'), context()));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'ValidationError', issues: [{ path: 'nik' }] });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('401 without claims, 403 for a role the route table does not admit', async () => {
    ddb.on(GetCommand).resolves({ Item: { coverage: null } });
    expect(json(await getCoverage(coverageEvent(), context())).status).toBe(401);
    expect(json(await getCoverage(coverageEvent(['rt_chair']), context())).status).toBe(403);
    expect(json(await getCoverage(coverageEvent(['responder', 'operator']), context())).status).toBe(200);
  });

  it('a DynamoDB failure is a 500 whose log line carries no NIK', async () => {
    ddb.on(GetCommand).rejects(new Error(`boom for ${NIK}`));
    const lines: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.join(' ')));
    }
    const r = json(await getCoverage(coverageEvent(['clinic']), context()));
    expect(r.status).toBe(500);
    expect(r.body.error).toBe('InternalError');
    expect(lines.join('\n')).toContain('boom for 1571********0002');
    expect(lines.join('\n')).not.toContain(NIK);
  });
});

describe('PUT /residents/{nik}/coverage', () => {
  it('one transaction closes the period, opens the next, moves the aggregates and audits; then an event', async () => {
    ddb.on(GetCommand).resolves({
      Item: {
        nik: NIK,
        rt: '1571011012-003-012',
        kelurahan: '15.71.01.1012',
        name: 'Siti Aminah',
        coverage: { ...ACTIVE, scheme: 'PBI_APBN' },
        version: 3,
      },
    });
    ddb.on(TransactWriteCommand).resolves({});
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const r = json(await putCoverage({ scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'Pindah ke PBI APBD' }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ covered: true, scheme: 'PBI_APBD', changed: true });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.Update).toMatchObject({ ConditionExpression: 'version = :prev' });
    expect(
      items.some((i) => i.Update?.Key?.sk === 'COV#x' && i.Update.UpdateExpression === 'SET validTo = :to'),
    ).toBe(true);
    expect(items.some((i) => i.Update?.Key?.pk === 'AGG#PBI_APBD')).toBe(true);
    expect(items.some((i) => i.Put?.Item?.action === 'CoverageChanged')).toBe(true);
    const sent = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(sent).toMatchObject({ Source: 'sehatkota.registry', DetailType: 'CoverageChanged' });
    expect(JSON.parse(sent.Detail!)).toMatchObject({
      nik: NIK,
      before: { scheme: 'PBI_APBN' },
      after: { scheme: 'PBI_APBD' },
    });
  });

  it('reason is required and named', async () => {
    const r = json(await putCoverage({ scheme: 'PBI_APBD', status: 'ACTIVE' }));
    expect(r.status).toBe(400);
    expect(r.body.issues).toEqual([{ path: 'reason', message: 'is required' }]);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('CoverageChanged → SMS', () => {
  const event = (detail: object) =>
    ({ source: 'sehatkota.registry', 'detail-type': 'CoverageChanged', detail }) as never;

  it('sends one transactional SMS through SNS to the resident when coverage becomes active', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { nik: NIK, name: 'Siti Aminah', phone: '+6281234567890', coverage: ACTIVE } });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await notifyCoverage(event(sampleCoverageChanged));
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.PhoneNumber).toBe('+6281234567890');
    expect(input.Message?.startsWith(`${city().name}: Yth. Siti, JKN Anda AKTIF sejak 23-11-2026`)).toBe(
      true,
    );
    expect(input.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Transactional');
  });

  it('sends nothing when coverage did not become active, or the resident has no phone', async () => {
    ddb.on(GetCommand).resolves({ Item: { nik: NIK, name: 'Siti', coverage: ACTIVE } });
    await notifyCoverage(event(sampleCoverageChanged));
    await notifyCoverage(
      event({ ...sampleCoverageChanged, after: { scheme: 'PBI_APBD', status: 'INACTIVE' } }),
    );
    await notifyCoverage(
      event({ ...sampleCoverageChanged, before: { scheme: 'PBI_APBN', status: 'ACTIVE' } }),
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('rejects an event that breaks the contract', async () => {
    await expect(notifyCoverage(event({ nik: '123' }))).rejects.toThrow();
  });
});
