// The functions' side of observability, with mocked AWS clients: the business metrics as CloudWatch EMF lines
// (namespace, `service`, `priority`), written once at the end of each invocation by the handler wrappers and only
// when something was recorded; silent in tests and local mode (POWERTOOLS_DEV); each metric at the point that
// commits what it counts; and the correlation id on every log line of an invocation.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as ackTimeout } from '../../functions/incident/ack-timeout.ts';
import { handler as reportIncident } from '../../functions/incident/report-incident.ts';
import { handler as changeCoverage } from '../../functions/registry/change-coverage.ts';
import { handler as getCoverage } from '../../functions/registry/get-coverage.ts';
import { handler as sendSms } from '../../functions/reminder/send-sms.ts';
import { P1_WATCH_N, p1WatchId, watchP1 } from '../../shared/incident/dispatch.ts';
import { acknowledge } from '../../shared/incident/lifecycle.ts';
import type { Incident } from '../../shared/incident/schemas.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { setDdb } from '../../shared/platform/dynamo.ts';
import { eventHandler } from '../../shared/platform/event-handler.ts';
import { httpHandler } from '../../shared/platform/http.ts';
import { logger } from '../../shared/platform/logger.ts';
import { METRICS, METRICS_NAMESPACE, recordMetric, resetMetrics } from '../../shared/platform/metrics.ts';
import { setQueue } from '../../shared/platform/queues.ts';
import { setTimers } from '../../shared/platform/timers.ts';
import { resetSender } from '../../shared/reminder/sender.ts';
import { context, httpEvent, json } from '../support/events.ts';
import { loggedLines } from '../support/log-guard.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const NIK = '1571015506900002';

interface Emitted {
  name: string;
  value: number;
  dimensions: Record<string, string>;
  unit: string;
}

/** Console lines, and the metrics in the EMF lines among them. */
let lines: string[];
function emitted(): Emitted[] {
  return lines.flatMap((line) => {
    let emf: Record<string, unknown> & {
      _aws?: {
        CloudWatchMetrics: {
          Namespace: string;
          Dimensions: string[][];
          Metrics: { Name: string; Unit: string }[];
        }[];
      };
    };
    try {
      emf = JSON.parse(line);
    } catch {
      return [];
    }
    if (!emf._aws) return [];
    return emf._aws.CloudWatchMetrics.flatMap((d) => {
      expect(d.Namespace).toBe(METRICS_NAMESPACE);
      const dimensions = Object.fromEntries(d.Dimensions.flat().map((k) => [k, String(emf[k])]));
      // A metric recorded twice in one invocation is one key with both values.
      return d.Metrics.flatMap((m) =>
        [emf[m.Name]].flat().map((v) => ({ name: m.Name, unit: m.Unit, value: Number(v), dimensions })),
      );
    });
  });
}

beforeEach(() => {
  delete process.env.DYNAMODB_ENDPOINT;
  setDdb(undefined);
  ddb.reset();
  sns.reset();
  lines = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.map(String).join(' ')));
  }
});
afterEach(() => {
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_SERVICE_NAME;
  resetMetrics();
  vi.restoreAllMocks();
});

/** Metrics on, as in Lambda (where POWERTOOLS_DEV is unset), for the next metric recorded. */
function metricsOn(service = 'sehatkota-test') {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_SERVICE_NAME = service;
  resetMetrics();
}

describe('business metrics', () => {
  it('are written as one EMF line when the invocation ends, with the service dimension', async () => {
    metricsOn('sehatkota-registry');
    const handler = eventHandler(async () => {
      recordMetric('CoverageActivated', 2);
      recordMetric('CoverageActivated', 1);
      // Nothing is written before the invocation ends.
      expect(emitted()).toEqual([]);
    });
    await handler({}, context());
    const out = emitted();
    expect(out).toHaveLength(2);
    expect(out.map((m) => m.value)).toEqual([2, 1]);
    expect(out[0]).toMatchObject({
      name: 'CoverageActivated',
      unit: 'Count',
      dimensions: { service: 'sehatkota-registry' },
    });
    expect(lines.filter((l) => l.includes('"_aws"'))).toHaveLength(1);
    // The next invocation starts empty.
    await eventHandler(async () => undefined)({}, context());
    expect(lines.filter((l) => l.includes('"_aws"'))).toHaveLength(1);
  });

  it('with a priority are written at once, on a line of their own, with both dimensions', () => {
    metricsOn('sehatkota-incident');
    recordMetric('ReportToDispatchMs', 840, { priority: 'P1' });
    expect(emitted()).toEqual([
      {
        name: 'ReportToDispatchMs',
        unit: 'Milliseconds',
        value: 840,
        dimensions: { service: 'sehatkota-incident', priority: 'P1' },
      },
    ]);
  });

  it('are flushed by the HTTP wrapper too, also when the handler fails', async () => {
    metricsOn();
    const handler = httpHandler({}, async () => {
      recordMetric('AttestationIssued', 1);
      throw new Error('boom');
    });
    const event = httpEvent({
      routeKey: 'GET /coverage/{nik}',
      pathParameters: { nik: NIK },
      groups: ['clinic'],
    });
    const r = json(await handler(event, context()));
    expect(r.status).toBe(500);
    expect(emitted().map((m) => m.name)).toEqual(['AttestationIssued']);
  });

  it('are silent in tests and local mode (POWERTOOLS_DEV), and an invocation that records none writes nothing', async () => {
    resetMetrics();
    await eventHandler(async () => recordMetric('SmsSent', 1))({}, context());
    await eventHandler(async () => undefined)({}, context());
    expect(lines).toEqual([]);
  });

  it('never fail the caller: a bad value is logged and dropped', () => {
    metricsOn();
    expect(() => recordMetric('SmsCostMicroUsd', Number.NaN)).not.toThrow();
    expect(lines.join('\n')).toContain('metric not recorded');
  });

  it('each declare a unit and the capabilities that emit them', () => {
    for (const [name, def] of Object.entries(METRICS)) {
      expect(def.capabilities.length, name).toBeGreaterThan(0);
      expect(['Count', 'Milliseconds', 'Percent', 'None']).toContain(def.unit);
    }
  });
});

describe('where each metric is counted', () => {
  const ACTIVE = {
    scheme: 'PBI_APBD',
    status: 'ACTIVE',
    since: '2026-11-01T00:00:00.000Z',
    periodSk: 'COV#x',
  };
  const resident = (coverage: object | null) => ({
    Item: {
      nik: NIK,
      name: 'Siti Aminah',
      rt: '1571011012-003-012',
      kelurahan: '15.71.01.1012',
      coverage,
      version: 3,
    },
  });
  const putCoverage = (status: string, scheme = 'PBI_APBD') =>
    changeCoverage(
      httpEvent({
        routeKey: 'PUT /residents/{nik}/coverage',
        pathParameters: { nik: NIK },
        groups: ['city_admin'],
        body: { scheme, status, reason: 'warga miskin' },
      }),
      context(),
    );

  it('CoverageActivated: a change to ACTIVE, and not a change between two active schemes', async () => {
    metricsOn('sehatkota-registry');
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(GetCommand).resolves(resident({ ...ACTIVE, status: 'INACTIVE' }));
    expect(json(await putCoverage('ACTIVE')).status).toBe(200);
    ddb.on(GetCommand).resolves(resident({ ...ACTIVE, scheme: 'PBI_APBN' }));
    expect(json(await putCoverage('ACTIVE')).status).toBe(200);
    expect(emitted()).toEqual([
      { name: 'CoverageActivated', unit: 'Count', value: 1, dimensions: { service: 'sehatkota-registry' } },
    ]);
  });

  it("SmsSent, SmsCostMicroUsd and SmsBudgetUsedPercent from the reservation's own reply; SmsFailed per refused try", async () => {
    process.env.SMS_QUIET_HOURS_WIB = 'off';
    process.env.SMS_MONTHLY_BUDGET_USD = '10';
    resetConfig();
    resetSender();
    metricsOn('sehatkota-reminder');
    ddb.on(GetCommand).resolves({});
    ddb.on(UpdateCommand).callsFake((input: { ReturnValues?: string }) => {
      if (input.ReturnValues === 'ALL_OLD') return { Attributes: { attempts: 0, status: 'QUEUED' } };
      // The month's spend after this SMS: USD 8.1 of 10.
      if (input.ReturnValues === 'UPDATED_NEW') return { Attributes: { costMicroUsd: 8_100_000 } };
      return {};
    });
    ddb.on(TransactWriteCommand).resolves({});
    setQueue({
      send: async () => undefined,
      defer: async () => undefined,
      deadLetter: async () => undefined,
    });
    sns.on(PublishCommand).resolvesOnce({ MessageId: 'sns-1' }).rejects(new Error('Throttling'));
    const job = {
      nik: NIK,
      fireId: 'ckg#v1#0#2026-11-23',
      phone: '+6281234567890',
      text: 'Cek Kesehatan Gratis di puskesmas. Balas STOP untuk berhenti.',
      parts: 2,
      date: '2026-11-23',
      sendAt: '2026-11-23T01:00:00.000Z',
      campaignId: 'ckg',
      version: 1,
    };
    const sqs = (id: string) =>
      ({ Records: [{ messageId: id, receiptHandle: id, body: JSON.stringify(job) }] }) as unknown as SQSEvent;
    try {
      await sendSms(sqs('m0'), context());
      await sendSms(sqs('m1'), context());
    } finally {
      delete process.env.SMS_QUIET_HOURS_WIB;
      delete process.env.SMS_MONTHLY_BUDGET_USD;
      resetConfig();
      setQueue(undefined);
    }
    const byName = (name: string) => emitted().filter((m) => m.name === name);
    expect(byName('SmsSent').map((m) => m.value)).toEqual([1]);
    expect(byName('SmsCostMicroUsd').map((m) => m.value)).toEqual([82_800]);
    expect(byName('SmsBudgetUsedPercent').map((m) => m.value)).toEqual([81, 81]);
    expect(byName('SmsFailed').map((m) => m.value)).toEqual([1]);
    expect(emitted().every((m) => m.dimensions.service === 'sehatkota-reminder')).toBe(true);
  });

  const incident = (over: Partial<Incident> = {}): Incident =>
    ({
      id: '0mhx2k3ab-0a1b2c3d4e5f',
      number: '112-2026-000123',
      type: 'FIRE',
      priority: 'P1',
      triage: 'FIRE',
      description: 'Rumah terbakar',
      location: { lat: -1.61, lon: 103.61 },
      callerPhone: '+6281234567890',
      status: 'DISPATCHED',
      reportedAt: '2026-11-23T03:00:00.000Z',
      reportedBy: 'op-1',
      reports: 1,
      assignments: 1,
      misses: 0,
      linkBase: 'https://x',
      dispatchedAt: '2026-11-23T03:00:00.000Z',
      version: 2,
      ...over,
    }) as Incident;

  it('IncidentReported and ReportToDispatchMs: a new P1 incident sent a unit with its report', async () => {
    metricsOn('sehatkota-incident');
    const unit = {
      id: 'AMB-1',
      name: 'Ambulans 1',
      kind: 'AMBULANCE',
      phone: '+6281298765432',
      location: { lat: -1.61, lon: 103.61 },
      kelurahan: '15.71.01.1012',
      status: 'AVAILABLE',
      statusAt: '2026-11-23T00:00:00.000Z',
      createdAt: '2026-11-01T00:00:00.000Z',
    };
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).callsFake((input: { IndexName?: string }) => ({
      Items: input.IndexName === 'gsi1' ? [unit] : [],
    }));
    ddb.on(UpdateCommand).resolves({ Attributes: { n: 1 } });
    ddb.on(TransactWriteCommand).resolves({});
    const watches: string[] = [];
    setQueue({
      send: async () => undefined,
      defer: async () => undefined,
      deadLetter: async () => undefined,
    });
    setTimers({ start: async (_t, id) => void watches.push(id), cancel: async () => {} });
    const event = httpEvent({
      routeKey: 'POST /incidents',
      groups: ['operator'],
      body: {
        callerPhone: '081234567890',
        type: 'MEDICAL',
        description: 'Bapak pingsan di teras',
        location: { lat: -1.6101, lon: 103.6102 },
      },
    });
    event.headers['idempotency-key'] = 'report-0002';
    process.env.PUBLIC_BASE_URL = 'https://sehatkota.example';
    try {
      expect(json(await reportIncident(event, context())).status).toBe(201);
    } finally {
      delete process.env.PUBLIC_BASE_URL;
      setQueue(undefined);
      setTimers(undefined);
    }
    const out = emitted();
    expect(out.map((m) => [m.name, m.dimensions.priority])).toEqual([
      ['ReportToDispatchMs', 'P1'],
      ['IncidentReported', 'P1'],
    ]);
    expect(out[0]!.value).toBeGreaterThanOrEqual(0);
    // The acknowledgement window's timer and the P1 watch.
    expect(watches).toHaveLength(2);
    expect(watches.some((id) => id.startsWith('p1-'))).toBe(true);
  });

  it('DispatchToAckMs: the first acknowledgement of an assignment, by priority', async () => {
    metricsOn('sehatkota-incident');
    const dispatchedAt = '2026-11-23T03:00:00.000Z';
    ddb.on(QueryCommand).resolves({
      Items: [
        { pk: 'INC#i', sk: 'INC', ...incident() },
        {
          pk: 'INC#i',
          sk: 'ASG#0001',
          incidentId: incident().id,
          n: 1,
          unitId: 'AMB-1',
          status: 'DISPATCHED',
          dispatchedAt,
        },
      ],
    });
    ddb.on(TransactWriteCommand).resolves({});
    const actor = { sub: 'crew-1', roles: ['responder'], unit: 'AMB-1' };
    await acknowledge(incident().id, 'AMB-1', { actor, requestId: 'r', now: '2026-11-23T03:00:42.500Z' });
    expect(emitted()).toEqual([
      {
        name: 'DispatchToAckMs',
        unit: 'Milliseconds',
        value: 42_500,
        dimensions: { service: 'sehatkota-incident', priority: 'P1' },
      },
    ]);
  });

  it('P1Unacknowledged: the P1 watch fires on an open incident nobody acknowledged, and only then', async () => {
    metricsOn('sehatkota-incident');
    const fire = (item: Incident) => {
      ddb.on(GetCommand).resolves({ Item: { pk: 'INC#i', sk: 'INC', ...item } });
      return ackTimeout({ incidentId: item.id, n: P1_WATCH_N, dueAt: new Date().toISOString() }, context());
    };
    expect(await fire(incident())).toEqual({ outcome: 'unacknowledged' });
    expect(await fire(incident({ acknowledgedAt: '2026-11-23T03:00:40.000Z' }))).toEqual({
      outcome: 'acknowledged',
    });
    expect(await fire(incident({ status: 'CANCELLED' }))).toEqual({ outcome: 'closed' });
    expect(emitted()).toEqual([
      { name: 'P1Unacknowledged', unit: 'Count', value: 1, dimensions: { service: 'sehatkota-incident' } },
    ]);
  });

  it("the P1 watch: one timer per P1 incident, 2 minutes after it became P1, named apart from its windows'", async () => {
    const started: { id: string; at: Date; payload: unknown }[] = [];
    setTimers({
      start: async (_t, id, at, payload) => void started.push({ id, at, payload }),
      cancel: async () => {},
    });
    try {
      await watchP1(incident(), '2026-11-23T03:00:00.000Z');
      await watchP1(incident({ priority: 'P2' }), '2026-11-23T03:00:00.000Z');
    } finally {
      setTimers(undefined);
    }
    expect(started).toEqual([
      {
        id: p1WatchId(incident().id),
        at: new Date('2026-11-23T03:02:00.000Z'),
        payload: { incidentId: incident().id, n: 0 },
      },
    ]);
    expect(p1WatchId(incident().id).startsWith(incident().id)).toBe(false);
  });
});

describe('log lines', () => {
  it("carry the API request id as correlation id, and Lambda's request id, on every line of an HTTP invocation", async () => {
    ddb.on(GetCommand).rejects(new Error('DynamoDB down'));
    const event = httpEvent({
      routeKey: 'GET /coverage/{nik}',
      pathParameters: { nik: NIK },
      groups: ['clinic'],
    });
    const ctx = context();
    logger.setLogLevel('DEBUG');
    try {
      await getCoverage(event, ctx);
    } finally {
      logger.setLogLevel('WARN');
    }
    const logged = loggedLines().map((l) => JSON.parse(l));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).toMatchObject({
        correlation_id: event.requestContext.requestId,
        request_id: ctx.awsRequestId,
      });
    }
  });

  it("carry the invocation's request id as correlation id in event functions, and a failure leaves masked", async () => {
    const ctx = context();
    const handler = eventHandler(async () => {
      logger.warn('about to fail');
      throw new Error(`SNS refused +6281234567890 for ${NIK}`);
    });
    const error = (await handler({}, ctx).catch((e: Error) => e)) as Error;
    expect(error.message).toBe('SNS refused [phone] for 1571********0002');
    const logged = loggedLines().map((l) => JSON.parse(l));
    expect(logged[0]).toMatchObject({ message: 'about to fail', correlation_id: ctx.awsRequestId });
  });
});
