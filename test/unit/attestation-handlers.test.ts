// The attestation capability's AWS adapters and handlers with aws-sdk-client-mock, as Lambda runs them: the KMS
// HMAC behind the verification codes, SNS for the verifiers' topic and the residents' SMS, EventBridge, and
// DynamoDB as the handlers drive it; plus the idempotency helpers every retried POST relies on.
import { createHmac, randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleAttestationIssued } from '../../events/attestation.ts';
import { handler as issueHandler } from '../../functions/attestation/issue-attestation.ts';
import { handler as notifyIssued } from '../../functions/attestation/notify-attestation-issued.ts';
import { handler as reviewReminder } from '../../functions/attestation/review-reminder.ts';
import { handler as verifyHandler } from '../../functions/attestation/verify-attestation.ts';
import { codeHash, isVerifyCode, verifyCode } from '../../shared/attestation/codes.ts';
import { setEventBus } from '../../shared/platform/bus.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { setDdb } from '../../shared/platform/dynamo.ts';
import { ValidationError } from '../../shared/platform/errors.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '../../shared/platform/idempotency.ts';
import { setMacKey } from '../../shared/platform/mac.ts';
import { notifier, setNotifier } from '../../shared/platform/notifier.ts';
import { context, httpEvent, json } from '../support/events.ts';

const kms = mockClient(KMSClient);
const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const bridge = mockClient(EventBridgeClient);

const KEY_ID = 'arn:aws:kms:ap-southeast-3:111122223333:key/0b7c5f2e-hmac';
const TOPIC = 'arn:aws:sns:ap-southeast-3:111122223333:sehatkota-verifiers';
const RT = '1571011012-003-012';
const ENV = ['VERIFY_MAC_KEY_ID', 'TOPIC_VERIFIERS_ARN', 'PUBLIC_BASE_URL', 'EVENT_BUS_NAME'] as const;
const savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

/**
 * DynamoDB's BatchGetItem as the handler meets it: the chair's RT in the directory, open (the access check every chair
 * request makes first), and nothing else (the resident and the replay record are new).
 */
function batchGets() {
  ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { pk: string }[] }> }) => {
    const [table, { Keys }] = Object.entries(input.RequestItems)[0]!;
    const rt = Keys.some((k) => k.pk === 'RT') ? [{ pk: 'RT', sk: RT, rt: RT, status: 'ACTIVE' }] : [];
    return { Responses: { [table]: rt } };
  });
}

/** KMS, DynamoDB and EventBridge as a letter that goes through meets them: a new resident, both events put. */
function letterGoesThrough() {
  kmsLikeHmac();
  batchGets();
  ddb.on(TransactWriteCommand).resolves({});
  bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{}, {}] });
}

/** What KMS would answer: an HMAC-SHA-256 of the message under a key only "KMS" holds. */
function kmsLikeHmac() {
  kms.on(GenerateMacCommand).callsFake((input: { Message: Uint8Array }) => ({
    Mac: new Uint8Array(createHmac('sha256', 'kms-held-secret').update(input.Message).digest()),
    KeyId: KEY_ID,
    MacAlgorithm: 'HMAC_SHA_256',
  }));
}

beforeEach(() => {
  delete process.env.DYNAMODB_ENDPOINT;
  setDdb(undefined);
  setMacKey(undefined);
  setNotifier(undefined);
  setEventBus(undefined);
  resetConfig();
  kms.reset();
  sns.reset();
  ddb.reset();
  bridge.reset();
  process.env.VERIFY_MAC_KEY_ID = KEY_ID;
  process.env.TOPIC_VERIFIERS_ARN = TOPIC;
  process.env.EVENT_BUS_NAME = 'sehatkota-app';
  delete process.env.PUBLIC_BASE_URL;
});

afterEach(() => {
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

describe('verification codes from the KMS HMAC key', () => {
  it('asks KMS for an HMAC_SHA_256 with the key from VERIFY_MAC_KEY_ID; 27 base64url characters', async () => {
    kmsLikeHmac();
    const id = randomUUID();
    const code = await verifyCode(id);
    expect(code).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(isVerifyCode(code)).toBe(true);
    // 27 base64url characters carry 160 bits: well over the 128 an unguessable code needs.
    expect(Buffer.from(code, 'base64url')).toHaveLength(20);
    const calls = kms.commandCalls(GenerateMacCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.KeyId).toBe(KEY_ID);
    expect(input.MacAlgorithm).toBe('HMAC_SHA_256');
    // The message names the attestation (so a reprint gets the same code), and only that.
    expect(new TextDecoder().decode(input.Message)).toContain(id);
  });

  it('gives the same code for the same letter (a reprint) and a different one for another', async () => {
    kmsLikeHmac();
    const id = randomUUID();
    const first = await verifyCode(id);
    expect(await verifyCode(id)).toBe(first);
    expect(await verifyCode(randomUUID())).not.toBe(first);
    // What is stored is the hash, which is neither the code nor reversible to it by reading.
    expect(codeHash(first)).not.toContain(first);
    expect(codeHash(first)).toBe(codeHash(first));
  });

  it('fails loudly without VERIFY_MAC_KEY_ID, or when KMS returns no MAC', async () => {
    kmsLikeHmac();
    delete process.env.VERIFY_MAC_KEY_ID;
    await expect(verifyCode(randomUUID())).rejects.toThrow(/VERIFY_MAC_KEY_ID/);
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(0);
    process.env.VERIFY_MAC_KEY_ID = KEY_ID;
    kms.on(GenerateMacCommand).resolves({});
    await expect(verifyCode(randomUUID())).rejects.toThrow(/no MAC/);
  });
});

describe('SNS: the verifiers’ topic', () => {
  it('publishes to TOPIC_VERIFIERS_ARN with the subject cut to SNS’s 100 characters', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const subject = `${'Surat keterangan RT menunggu verifikasi '.repeat(4)}`;
    expect(subject.length).toBeGreaterThan(100);
    const out = await notifier().notifyStaff({ topic: 'verifiers', subject, text: 'Isi pesan' });
    expect(out).toEqual({ messageId: 'm-1' });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject!.length).toBeLessThanOrEqual(100);
    expect(subject.startsWith(input.Subject!)).toBe(true);
    expect(input.Message).toBe('Isi pesan');
    expect(input.PhoneNumber).toBeUndefined();
  });

  it('refuses to publish when the topic ARN is not configured', async () => {
    delete process.env.TOPIC_VERIFIERS_ARN;
    await expect(notifier().notifyStaff({ topic: 'verifiers', subject: 's', text: 't' })).rejects.toThrow(
      /TOPIC_VERIFIERS_ARN/,
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('the review job sends one summary per day to the topic, without NIKs', async () => {
    const overdue = [0, 1, 2].map((i) => ({
      pk: `ATT#${i}`,
      sk: 'ATT',
      id: randomUUID(),
      status: 'PENDING_REVIEW',
      rt: i === 2 ? '1571021001-001-004' : RT,
      issuedAt: `2026-10-0${i + 1}T03:00:00.000Z`,
      resident: { nik: `157101550690000${i + 1}`, name: 'Siti' },
    }));
    ddb.on(QueryCommand).resolves({ Items: overdue });
    ddb.on(PutCommand).resolvesOnce({});
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const out = await reviewReminder({ job: 'attestation-review', date: '2026-11-01' });
    expect(out).toMatchObject({ date: '2026-11-01', olderThanDays: 14, overdue: 3, notified: true });
    expect(out.byRt).toEqual([
      { rt: RT, count: 2, oldestIssuedAt: '2026-10-01T03:00:00.000Z' },
      { rt: '1571021001-001-004', count: 1, oldestIssuedAt: '2026-10-03T03:00:00.000Z' },
    ]);
    const query = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({
      IndexName: 'gsi1',
      ExpressionAttributeValues: { ':pk': 'ST#PENDING_REVIEW' },
    });
    // Midnight WIB of 1 November minus 13 days.
    expect(query.ExpressionAttributeValues![':cutoff']).toBe('2026-10-18T17:00:00.000Z');
    const publish = sns.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    const input = publish[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject!.length).toBeLessThanOrEqual(100);
    expect(input.Message).toContain(`RT ${RT}: 2 surat`);
    expect(`${input.Subject}\n${input.Message}`).not.toMatch(/\d{16}/);

    // The day is already claimed: nothing more that day.
    ddb
      .on(PutCommand)
      .rejects(Object.assign(new Error('taken'), { name: 'ConditionalCheckFailedException' }));
    const again = await reviewReminder({ job: 'attestation-review', date: '2026-11-01' });
    expect(again.notified).toBe(false);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('the review job under retry', () => {
  it('still reminds the verifiers on the scheduler’s retry when SNS failed the first time', async () => {
    // DynamoDB as it behaves: a conditional Put of an existing claim fails; a Delete frees it.
    const claims = new Set<string>();
    ddb.on(PutCommand).callsFake((input: { Item: { pk: string; sk: string } }) => {
      const key = `${input.Item.pk}|${input.Item.sk}`;
      if (claims.has(key))
        throw Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' });
      claims.add(key);
      return {};
    });
    ddb.on(DeleteCommand).callsFake((input: { Key: { pk: string; sk: string } }) => {
      claims.delete(`${input.Key.pk}|${input.Key.sk}`);
      return {};
    });
    ddb.on(QueryCommand).resolves({
      Items: [{ pk: 'ATT#1', sk: 'ATT', id: randomUUID(), rt: RT, issuedAt: '2026-10-01T03:00:00.000Z' }],
    });
    sns.on(PublishCommand).rejectsOnce(new Error('SNS throttled')).resolves({ MessageId: 'm-3' });
    const input = { job: 'attestation-review', date: '2026-11-02' };
    // The first run fails (EventBridge Scheduler retries a failed invocation)…
    await expect(reviewReminder(input)).rejects.toThrow(/throttled/);
    // …and the retry must send the day's reminder, not find the day already "done".
    const retry = await reviewReminder(input);
    expect(retry.notified).toBe(true);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe('SNS: the resident’s SMS, once per letter', () => {
  const event = (detail: unknown) =>
    ({
      source: 'sehatkota.attestation',
      'detail-type': 'AttestationIssued',
      detail,
    }) as unknown as EventBridgeEvent<'AttestationIssued', unknown>;

  it('sends one SMS however often EventBridge delivers the event, and frees the marker when SNS fails', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { nik: sampleAttestationIssued.nik, name: 'Siti Aminah', phone: '+6281234567890' } });
    ddb.on(PutCommand).resolvesOnce({});
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
    await notifyIssued(event(sampleAttestationIssued));
    const sent = sns.commandCalls(PublishCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input.PhoneNumber).toBe('+6281234567890');
    expect(sent[0]!.args[0].input.Message!.length).toBeLessThanOrEqual(160);
    expect(sent[0]!.args[0].input.Message).toMatch(/AKTIF/);
    const marker = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(marker.ConditionExpression).toBe('attribute_not_exists(id)');
    expect(String(marker.Item!.id)).toContain(sampleAttestationIssued.id);

    // Delivered again: the marker exists, no second SMS.
    ddb
      .on(PutCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' }));
    await notifyIssued(event(sampleAttestationIssued));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);

    // SNS fails: the marker is released so the retry can send, and the failure propagates (Lambda retries).
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    sns.on(PublishCommand).rejects(new Error('throttled'));
    await expect(notifyIssued(event({ ...sampleAttestationIssued, id: 'another' }))).rejects.toThrow(
      /throttled/,
    );
    const deleted = ddb.commandCalls(DeleteCommand);
    expect(deleted).toHaveLength(1);
    expect(String(deleted[0]!.args[0].input.Key!.id)).toContain('another');
  });

  it('sends nothing to a resident without a phone, and refuses an event that breaks the contract', async () => {
    ddb.on(GetCommand).resolves({ Item: { nik: sampleAttestationIssued.nik, name: 'Siti' } });
    await notifyIssued(event(sampleAttestationIssued));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    await expect(notifyIssued(event({ ...sampleAttestationIssued, nik: '123' }))).rejects.toThrow();
  });
});

describe('POST /attestations as Lambda runs it', () => {
  const body = {
    nik: '1571015506900002',
    name: 'Siti Aminah',
    birthDate: '1990-06-15',
    sex: 'F',
    reason: 'Butuh rawat inap',
  };
  const post = (key?: string, b: unknown = body, headers: Record<string, string> = {}) => {
    const e = httpEvent({
      routeKey: 'POST /attestations',
      groups: ['rt_chair'],
      rt: RT,
      sub: 'chair-1',
      body: b,
    });
    if (key) e.headers['idempotency-key'] = key;
    Object.assign(e.headers, headers);
    return issueHandler(e, context());
  };

  it('prints the verify URL from PUBLIC_BASE_URL alone, whatever Host and X-Forwarded-Proto a caller sends', async () => {
    process.env.PUBLIC_BASE_URL = 'https://d111111abcdef8.cloudfront.net';
    letterGoesThrough();
    const res = json(
      await post(randomUUID(), body, { host: 'evil.example', 'x-forwarded-proto': 'javascript:alert(1)//:' }),
    );
    expect(res.status).toBe(201);
    expect(String(res.body.verifyUrl)).toMatch(
      /^https:\/\/d111111abcdef8\.cloudfront\.net\/verify\/[\w-]{27}$/,
    );
  });

  it('writes no letter without PUBLIC_BASE_URL: a missing setting fails loudly before anything is stored', async () => {
    delete process.env.PUBLIC_BASE_URL;
    kmsLikeHmac();
    batchGets();
    ddb.on(TransactWriteCommand).resolves({});
    const res = json(await post(randomUUID()));
    expect(res.status).toBe(500);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers 201 with a verify URL on PUBLIC_BASE_URL; the raw code is never sent to DynamoDB', async () => {
    process.env.PUBLIC_BASE_URL = 'https://sehat.jambikota.go.id/';
    letterGoesThrough();
    const res = json(await post(randomUUID()));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'PENDING_REVIEW',
      registered: true,
      coverage: { status: 'ACTIVE', scheme: 'PBI_APBD', covered: true },
    });
    const url = String(res.body.verifyUrl);
    expect(url).toMatch(/^https:\/\/sehat\.jambikota\.go\.id\/verify\/[A-Za-z0-9_-]{27}$/);
    const code = url.split('/verify/')[1]!;
    expect(code).toBe(await verifyCode(String(res.body.id)));

    // One for the chair's RT and account (open, active), one for the resident and the replay record.
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(2);
    const tx = ddb.commandCalls(TransactWriteCommand);
    expect(tx).toHaveLength(1);
    const sent = JSON.stringify(tx[0]!.args[0].input);
    expect(sent).not.toContain(code);
    expect(sent).toContain(`CODE#${codeHash(code)}`);

    const put = bridge.commandCalls(PutEventsCommand);
    expect(put).toHaveLength(1);
    expect(
      put[0]!.args[0].input.Entries!.map((e) => `${e.EventBusName} ${e.Source} ${e.DetailType}`),
    ).toEqual([
      'sehatkota-app sehatkota.attestation AttestationIssued',
      'sehatkota-app sehatkota.registry CoverageChanged',
    ]);
  });

  it('answers 429 DailyLimitReached when the transaction fails on the RT’s daily count', async () => {
    process.env.PUBLIC_BASE_URL = 'https://sehat.jambikota.go.id';
    kmsLikeHmac();
    batchGets();
    const reasons = Array.from({ length: 12 }, (_, i) => ({
      Code: i === 1 ? 'ConditionalCheckFailed' : 'None',
    }));
    ddb.on(TransactWriteCommand).rejects(
      Object.assign(new Error('cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: reasons,
      }),
    );
    const res = json(await post(randomUUID()));
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error: 'DailyLimitReached', limit: 20 });
    expect(String(res.body.message)).toMatch(/20/);
    expect(bridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers 400 naming Idempotency-Key having only checked the chair may act: no write, no KMS', async () => {
    batchGets();
    for (const key of [undefined, 'short', 'has spaces in it', 'x'.repeat(129)]) {
      const res = json(await post(key));
      expect(res.status, String(key)).toBe(400);
      expect(res.body).toMatchObject({ error: 'ValidationError', issues: [{ path: 'Idempotency-Key' }] });
    }
    // The one read each: the chair's RT and account, asked before anything else (authorization first).
    const reads = ddb.commandCalls(BatchGetCommand);
    expect(reads).toHaveLength(4);
    for (const r of reads) expect(JSON.stringify(r.args[0].input)).toContain(`"sk":"${RT}"`);
    expect(ddb.calls()).toHaveLength(4);
    expect(kms.calls()).toHaveLength(0);
  });

  it('turns a chair away with 403 when their RT was closed, before reading the request', async () => {
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, unknown> }) => {
      const table = Object.keys(input.RequestItems)[0]!;
      return { Responses: { [table]: [{ pk: 'RT', sk: RT, rt: RT, status: 'INACTIVE' }] } };
    });
    const res = json(await post(randomUUID(), { nik: 'not even a NIK' }));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'Forbidden', reason: 'RT_CLOSED' });
    expect(ddb.calls()).toHaveLength(1);
    expect(kms.calls()).toHaveLength(0);
  });

  it('the public check looks the code up by its hash only, and not at all for a malformed code', async () => {
    kmsLikeHmac();
    const code = await verifyCode(randomUUID());
    ddb.on(GetCommand).resolves({
      Item: { status: 'APPROVED', issuedAt: '2026-11-01T03:00:00.000Z', rt: RT, maskedName: 'S*** A***' },
    });
    const get = (c: string) =>
      verifyHandler(httpEvent({ routeKey: 'GET /verify/{code}', pathParameters: { code: c } }), context());
    const res = json(await get(code));
    expect(res).toEqual({
      status: 200,
      body: {
        valid: true,
        status: 'APPROVED',
        issuedAt: '2026-11-01T03:00:00.000Z',
        rt: RT,
        name: 'S*** A***',
      },
    });
    const lookup = ddb.commandCalls(GetCommand)[0]!.args[0].input;
    expect(lookup.Key).toEqual({ pk: `CODE#${codeHash(code)}`, sk: 'CODE' });
    expect(JSON.stringify(lookup)).not.toContain(code);
    expect(json(await get('not-a-code')).status).toBe(404);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});

describe('idempotency helpers', () => {
  it('requestHash ignores key order (at any depth) and undefined fields', () => {
    const a = { nik: '1571015506900002', name: 'Siti', nested: { x: 1, y: [1, 2] }, phone: undefined };
    const b = { nested: { y: [1, 2], x: 1 }, name: 'Siti', nik: '1571015506900002' };
    expect(requestHash(a)).toBe(requestHash(b));
    expect(requestHash(a)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('requestHash differs for different values, types, array order or an extra field', () => {
    const base = { nik: '1571015506900002', reason: 'sakit', list: [1, 2] };
    const variants = [
      { ...base, reason: 'sakit keras' },
      { ...base, nik: '1571015506900003' },
      { ...base, list: [2, 1] },
      { ...base, list: ['1', '2'] },
      { ...base, facility: 'Puskesmas' },
      { ...base, reason: null },
    ];
    const hashes = new Set([base, ...variants].map(requestHash));
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('requireIdempotencyKey accepts a UUID and similar; refuses missing, short, long or odd characters naming the header', () => {
    const key = randomUUID();
    expect(requireIdempotencyKey({ 'idempotency-key': key })).toBe(key);
    expect(requireIdempotencyKey({ 'idempotency-key': 'offline:2026-11-23.001' })).toBe(
      'offline:2026-11-23.001',
    );
    for (const bad of [
      undefined,
      '',
      'abc1234',
      'x'.repeat(129),
      'has space!',
      'ключ-ключ-ключ',
      'a/b/c/d/e/f',
    ]) {
      let error: unknown;
      try {
        requireIdempotencyKey(bad === undefined ? {} : { 'idempotency-key': bad });
      } catch (e) {
        error = e;
      }
      expect(error, String(bad)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        { path: 'Idempotency-Key', message: expect.any(String) },
      ]);
    }
  });

  it('scopes a key to its caller: two chairs using the same key never share a record', () => {
    const key = randomUUID();
    const one = idempotencyId('attestation', { sub: 'chair-1' }, key);
    expect(one).toBe(idempotencyId('attestation', { sub: 'chair-1' }, key));
    expect(one).not.toBe(idempotencyId('attestation', { sub: 'chair-2' }, key));
    expect(one.startsWith('attestation#')).toBe(true);
    // The stored id does not reveal the key.
    expect(one).not.toContain(key);
  });
});
