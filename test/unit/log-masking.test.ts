// A citizen's NIK and phone never reach a log line (PRODUCT.md). The detector the whole suite runs under
// (test/support/log-guard.ts) against the spellings people write and the look-alikes logs are full of; the guard
// catching a raw line and naming its test; and handlers that carry NIKs and phones — on their way in, in what they
// read, in the errors their clients throw — run at every log level, with every line they wrote clean.
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
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleCoverageChanged } from '../../events/registry.ts';
import { handler as reportIncident } from '../../functions/incident/report-incident.ts';
import { handler as createResident } from '../../functions/registry/create-resident.ts';
import { handler as getCoverage } from '../../functions/registry/get-coverage.ts';
import { handler as notifyCoverage } from '../../functions/registry/notify-coverage-changed.ts';
import { handler as sendSms } from '../../functions/reminder/send-sms.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { setDdb } from '../../shared/platform/dynamo.ts';
import { logger, maskPersonalData } from '../../shared/platform/logger.ts';
import { type Queue, setQueue } from '../../shared/platform/queues.ts';
import { setTimers, type Timers } from '../../shared/platform/timers.ts';
import { resetSender } from '../../shared/reminder/sender.ts';
import { context, httpEvent, json } from '../support/events.ts';
import { loggedLines, takeLeaks } from '../support/log-guard.ts';
import { findPersonalData } from '../support/personal-data.ts';

const NIK = '1571015506900002';
const KK = '1571010101010001';
const PHONE_LOCAL = '081234567890';
const PHONE = '+6281234567890';

describe('the detector', () => {
  it.each([
    [`nik=${NIK}`, 'NIK'],
    [`RES#${NIK}`, 'NIK'],
    [`/residents/${NIK}/coverage`, 'NIK'],
    [`{"kk":"${KK}"}`, 'NIK'],
    [`phone ${PHONE}`, 'phone'],
    [`"phone":"${PHONE_LOCAL}"`, 'phone'],
    ['hubungi 0812-3456-7890 segera', 'phone'],
    ['hubungi 0812 3456 7890', 'phone'],
    ['+62 812-3456-7890', 'phone'],
    ['6281234567890', 'phone'],
  ])('finds %s', (line, kind) => {
    expect(findPersonalData(line).map((f) => f.kind)).toEqual([kind]);
  });

  it.each([
    // Masked, as the logger writes them.
    maskPersonalData(`nik ${NIK} phone ${PHONE} and 0812-3456-7890`),
    '+62812****7890',
    // Look-alikes: ids, times, numbers that are not a NIK by its rule, hashes, floats.
    '0812345-6789-0123-4567-890123456789 08123456-7890-1234-5678-901234567890',
    '2026-08-12T08:12:34.567Z took 0.8123456789 s',
    '1700000000000000 9999999999999999 0000000000000000',
    'sha256 1571015506900002ab07c3',
    'msg 0mhx2k3ab-081234567890 112-2026-081234',
    'a latency of 08123 ms',
  ])('ignores %s', (line) => {
    expect(findPersonalData(line)).toEqual([]);
  });
});

describe('the guard', () => {
  it('records a raw NIK or phone written to the console or the logger, naming the test', () => {
    console.log(`resident ${NIK} at 0812 3456 7890`);
    const leaks = takeLeaks();
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ via: 'console.log', test: expect.stringContaining('naming the test') });
    expect(leaks[0]!.found.map((f) => f.kind)).toEqual(['NIK', 'phone']);
  });

  it('sees the logger at every level, passing on only what the level asked for', () => {
    const printed = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    logger.debug('checked though not printed', { nik: NIK });
    expect(printed).not.toHaveBeenCalled();
    expect(loggedLines().some((l) => l.includes('checked though not printed'))).toBe(true);
    // The logger masked it, so the guard has nothing to say.
    expect(takeLeaks()).toEqual([]);
  });
});

// ---------- handlers with real NIKs and phones

const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);

class FakeQueue implements Queue {
  sent: unknown[] = [];
  dead: { body: unknown; reason: string }[] = [];
  async send(_queue: string, bodies: unknown[]) {
    this.sent.push(...bodies);
  }
  async defer() {}
  async deadLetter(_queue: string, body: unknown, reason: string) {
    this.dead.push({ body, reason });
  }
}
const queue = new FakeQueue();
/** What the handlers printed (the console is a spy in these tests). */
let printed: string[] = [];
const timers: Timers = { start: async () => undefined, cancel: async () => undefined };

/** The lines this test's handlers logged: there are some, each clean, each with the invocation's correlation id. */
function expectCleanLogs(...mustMention: string[]): void {
  const lines = loggedLines();
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(findPersonalData(line), line).toEqual([]);
  for (const line of printed) expect(findPersonalData(line), line).toEqual([]);
  for (const text of mustMention) expect(lines.join('\n')).toContain(text);
  expect(takeLeaks()).toEqual([]);
}

describe('handlers carrying NIKs and phones log none of them', () => {
  beforeAll(() => {
    process.env.SMS_QUIET_HOURS_WIB = 'off';
    // The stack always sets the public address (acknowledgement links in SMS).
    process.env.PUBLIC_BASE_URL = 'https://sehatkota.example';
    resetConfig();
  });
  afterAll(() => {
    delete process.env.SMS_QUIET_HOURS_WIB;
    delete process.env.PUBLIC_BASE_URL;
    resetConfig();
  });

  beforeEach(() => {
    delete process.env.DYNAMODB_ENDPOINT;
    setDdb(undefined);
    ddb.reset();
    sns.reset();
    setQueue(queue);
    setTimers(timers);
    resetSender();
    // Every level the functions log at, kept out of the test output.
    printed = [];
    for (const level of ['log', 'debug', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((...args) => void printed.push(args.map(String).join(' ')));
    }
    logger.setLogLevel('DEBUG');
  });
  afterEach(() => {
    logger.setLogLevel('WARN');
    setQueue(undefined);
    setTimers(undefined);
    vi.restoreAllMocks();
  });

  it('GET /coverage/{nik}: a DynamoDB error quoting the NIK', async () => {
    ddb.on(GetCommand).rejects(new Error(`ProvisionedThroughputExceeded for RES#${NIK} (${PHONE})`));
    const event = httpEvent({
      routeKey: 'GET /coverage/{nik}',
      pathParameters: { nik: NIK },
      groups: ['clinic'],
    });
    expect(json(await getCoverage(event, context())).status).toBe(500);
    expectCleanLogs('unhandled error', '1571********0002', '[phone]');
  });

  it('POST /residents: a resident with a NIK, a KK and a phone, refused by a transaction that names them', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(new Error(`ValidationException: item RES#${NIK} kk ${KK} phone ${PHONE_LOCAL} too large`));
    const event = httpEvent({
      routeKey: 'POST /residents',
      groups: ['city_admin'],
      body: {
        nik: NIK,
        kk: KK,
        name: 'Siti Aminah',
        birthDate: '1990-06-15',
        sex: 'F',
        phone: '0812-3456-7890',
        rt: '1571011012-001-001',
      },
    });
    expect(json(await createResident(event, context())).status).toBe(500);
    expectCleanLogs('unhandled error');
  });

  it("notify-coverage-changed: the resident's SMS, and SNS refusing it with the number in its message", async () => {
    ddb.on(GetCommand).resolves({
      Item: { nik: NIK, name: 'Siti Aminah', phone: PHONE, rt: '1571011012-001-001', coverage: null },
    });
    sns.on(PublishCommand).resolvesOnce({ MessageId: 'sns-1' });
    const event = {
      source: 'sehatkota.registry',
      'detail-type': 'CoverageChanged',
      detail: { ...sampleCoverageChanged, nik: NIK },
    };
    await notifyCoverage(event as never, context());
    sns.on(PublishCommand).rejects(new Error(`Invalid parameter: PhoneNumber Reason: ${PHONE} is not valid`));
    // Rethrown for Lambda to retry: its runtime prints the error, so the error itself goes out masked.
    const failed = await notifyCoverage(event as never, context()).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(findPersonalData(`${(failed as Error).message} ${(failed as Error).stack}`)).toEqual([]);
    expectCleanLogs('coverage SMS sent');
  });

  it('send-sms: a reminder SNS keeps refusing, with the number in every refusal', async () => {
    ddb.on(GetCommand).resolves({});
    ddb
      .on(UpdateCommand)
      .callsFake((input: { ReturnValues?: string }) =>
        input.ReturnValues === 'ALL_OLD' ? { Attributes: { attempts: 0, status: 'QUEUED' } } : {},
      );
    ddb.on(TransactWriteCommand).resolves({});
    sns.on(PublishCommand).rejects(new Error(`Throttled sending to ${PHONE} (${PHONE_LOCAL})`));
    const job = {
      nik: NIK,
      fireId: 'ckg#v1#0#2026-11-23',
      phone: PHONE,
      text: 'Cek Kesehatan Gratis: datang ke puskesmas. Balas STOP untuk berhenti.',
      parts: 1,
      date: '2026-11-23',
      sendAt: '2026-11-23T01:00:00.000Z',
      campaignId: 'ckg',
      version: 1,
    };
    const sqs = { Records: [{ messageId: 'm0', receiptHandle: 'rh0', body: JSON.stringify(job) }] };
    const out = await sendSms(sqs as unknown as SQSEvent, context());
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expectCleanLogs('reminder SMS not sent');
  });

  it("POST /incidents: a caller's phone and a patient's NIK, a P1 dispatched to a unit with a phone", async () => {
    const unit = {
      pk: 'UNIT#AMB-1',
      sk: 'UNIT',
      id: 'AMB-1',
      name: 'Ambulans Puskesmas Contoh',
      kind: 'AMBULANCE',
      phone: '+6281298765432',
      location: { lat: -1.61, lon: 103.61 },
      kelurahan: '15.71.01.1012',
      status: 'AVAILABLE',
      statusAt: '2026-11-23T00:00:00.000Z',
      createdAt: '2026-11-01T00:00:00.000Z',
    };
    // The registry fails reading the patient's coverage, quoting the NIK (the ambulance goes without it); no
    // idempotency record yet.
    ddb.on(GetCommand).callsFake((input: { Key: { pk?: string } }) => {
      if (input.Key.pk === `RES#${NIK}`) throw new Error(`Throttled reading RES#${NIK}`);
      return {};
    });
    ddb.on(QueryCommand).callsFake((input: { IndexName?: string }) => ({
      Items: input.IndexName === 'gsi1' ? [unit] : [],
    }));
    ddb.on(UpdateCommand).resolves({ Attributes: { n: 123 } });
    ddb.on(TransactWriteCommand).resolves({});
    const event = httpEvent({
      routeKey: 'POST /incidents',
      groups: ['operator'],
      body: {
        callerPhone: PHONE_LOCAL,
        patientNik: NIK,
        type: 'MEDICAL',
        description: `Bapak pingsan, NIK ${NIK}, anaknya bisa ditelepon di 0812 3456 7890`,
        location: { lat: -1.6101, lon: 103.6102, address: 'Jl. Sultan Agung 5' },
      },
    });
    event.headers['idempotency-key'] = 'report-0001';
    const r = json(await reportIncident(event, context()));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ priority: 'P1', dispatched: { unitId: 'AMB-1' } });
    // The unit's SMS went to the alerts queue with its number; the logs did not.
    expect(JSON.stringify(queue.sent)).toContain('+6281298765432');
    expectCleanLogs('patient coverage not read', '1571********0002');
  });
});
