// Opt-outs against DynamoDB Local: inbound STOP / BERHENTI / MULAI through the POST /sms/inbound handler as SNS
// delivers them (a real signed envelope; the signing "certificate" served by an injected fetch), SNS redelivery,
// the audit trail, and the daily sync with SNS's own list (the dev outbox, and the SNS client mocked, both paged).
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { ListPhoneNumbersOptedOutCommand, OptInPhoneNumberCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as smsInbound } from '../../functions/reminder/sms-inbound.ts';
import { handler as syncOptOutsJob } from '../../functions/reminder/sync-opt-outs.ts';
import { Outbox, type SmsEntry } from '../../infra/local/outbox.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { logger } from '../../shared/platform/logger.ts';
import { setNotifier } from '../../shared/platform/notifier.ts';
import { fitsOneSms } from '../../shared/platform/sms-text.ts';
import { type SnsEnvelope, setSnsFetch, stringToSign } from '../../shared/platform/sns-message.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { intentOf, optInConfirmationSms, optOutEntity } from '../../shared/reminder/inbound.ts';
import { optOutKey } from '../../shared/reminder/keys.ts';
import { isOptedOut, optedOutNumbers } from '../../shared/reminder/opt-outs.ts';
import { context, httpEvent, json } from '../support/events.ts';
import { givenOptedOut } from '../support/opt-outs.ts';
import { useFreshTables } from '../support/tables.ts';

const TOPIC = 'arn:aws:sns:ap-southeast-3:111122223333:sehatkota-sms-inbound';
const CERT_URL =
  'https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const certPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ENV = ['SMS_INBOUND_TOPIC_ARN', 'SMS_INBOUND_VERIFY'] as const;
const savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

let outbox: Outbox;
let fetched: string[];
let seq = 0;

/** A fresh Indonesian mobile: its E.164 form and how a citizen writes it. */
function phone() {
  const national = `8139${String(Date.now() % 1_000_000).padStart(6, '0')}${String(seq++ % 100).padStart(2, '0')}`;
  return { e164: `+62${national}`, local: `0${national}` };
}

/** What SNS posts for one two-way SMS: the envelope, signed (v2 unless told), Message the SMS as JSON. */
function delivery(
  sms: { from: string; body: string; id?: string },
  over: Partial<SnsEnvelope> = {},
  version: '1' | '2' = '2',
): SnsEnvelope {
  const m: SnsEnvelope = {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TOPIC,
    Message: JSON.stringify({
      originationNumber: sms.from,
      destinationNumber: '+6281100000000',
      messageKeyword: 'KEYWORD_111122223333',
      messageBody: sms.body,
      inboundMessageId: sms.id ?? randomUUID(),
      previousPublishedMessageId: 'wJ0UsFH9OwS0yjLhLCxwqabUkA5SaSlgfnVLKJ1JWLaSPK8',
    }),
    Timestamp: new Date().toISOString(),
    SignatureVersion: version,
    Signature: '',
    SigningCertURL: CERT_URL,
    ...over,
  };
  m.Signature = sign(
    version === '1' ? 'sha1' : 'sha256',
    Buffer.from(stringToSign(m)),
    keys.privateKey,
  ).toString('base64');
  return m;
}

/** POST /sms/inbound as SNS makes it: JSON in a text/plain body. */
async function post(body: unknown) {
  const event = httpEvent({ routeKey: 'POST /sms/inbound', body, contentType: 'text/plain; charset=UTF-8' });
  return json(await smsInbound(event, context()));
}

async function auditOf(e164: string) {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName('audit'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': optOutEntity(e164) },
    }),
  );
  return out.Items ?? [];
}

const smsTo = (e164: string) =>
  outbox.list(1000).filter((e): e is SmsEntry => e.channel === 'sms' && e.phone === e164);

beforeAll(async () => {
  await useFreshTables();
});

beforeEach(() => {
  outbox = new Outbox(undefined, false, 2);
  setNotifier(outbox);
  fetched = [];
  setSnsFetch(async (url) => {
    fetched.push(url);
    return url.endsWith('.pem') ? certPem : '<ConfirmSubscriptionResponse/>';
  });
  process.env.SMS_INBOUND_TOPIC_ARN = TOPIC;
  delete process.env.SMS_INBOUND_VERIFY;
});

afterEach(() => {
  setSnsFetch(undefined);
  setNotifier(undefined);
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

afterAll(() => setNotifier(undefined));

describe('keywords', () => {
  it('the first word, any case, punctuation dropped; anything else is no keyword', () => {
    expect(intentOf('STOP')).toEqual({ keyword: 'STOP', intent: 'OPT_OUT' });
    expect(intentOf('  Berhenti kirim sms ya')).toEqual({ keyword: 'BERHENTI', intent: 'OPT_OUT' });
    expect(intentOf('unreg sehat')).toEqual({ keyword: 'UNREG', intent: 'OPT_OUT' });
    expect(intentOf('Opt-out')).toEqual({ keyword: 'OPTOUT', intent: 'OPT_OUT' });
    expect(intentOf('stop!')).toEqual({ keyword: 'STOP', intent: 'OPT_OUT' });
    expect(intentOf('Mulai')).toEqual({ keyword: 'MULAI', intent: 'OPT_IN' });
    expect(intentOf('START')).toEqual({ keyword: 'START', intent: 'OPT_IN' });
    expect(intentOf('Tolong stop')).toEqual({ keyword: 'TOLONG' });
    expect(intentOf('').intent).toBeUndefined();
  });
});

describe('POST /sms/inbound', () => {
  it('STOP opts the number out at once, with one audit record that does not hold the number', async () => {
    const who = phone();
    const r = await post(delivery({ from: who.e164, body: 'STOP' }));
    expect(r).toEqual({ status: 200, body: { action: 'OPTED_OUT' } });
    expect(await isOptedOut(who.e164)).toBe(true);
    const item = (
      await ddb().send(
        new QueryCommand({
          TableName: tableName('reminders'),
          KeyConditionExpression: 'pk = :pk AND sk = :sk',
          ExpressionAttributeValues: { ':pk': optOutKey(who.e164).pk, ':sk': who.e164 },
        }),
      )
    ).Items?.[0];
    expect(item).toMatchObject({ source: 'SMS', keyword: 'STOP' });
    const trail = await auditOf(who.e164);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      action: 'SMS_OPT_OUT',
      reason: 'STOP',
      actor: { sub: 'sms-inbound' },
      before: { optedOut: false },
      after: { optedOut: true, source: 'SMS' },
    });
    expect(trail[0]!.pk).toBe(`OPTOUT#${createHash('sha256').update(who.e164).digest('base64url')}`);
    expect(JSON.stringify(trail)).not.toContain(who.e164.slice(3));
    // Nothing is sent back: SNS and the carriers confirm an opt-out themselves.
    expect(smsTo(who.e164)).toEqual([]);
  });

  it('BERHENTI in any case, with words after it and a local number, signature version 1', async () => {
    const who = phone();
    const r = await post(delivery({ from: who.local, body: '  berhenti, terima kasih' }, {}, '1'));
    expect(r.body).toEqual({ action: 'OPTED_OUT' });
    expect(await isOptedOut(who.e164)).toBe(true);
    expect((await auditOf(who.e164))[0]).toMatchObject({ reason: 'BERHENTI' });
  });

  it('an SNS redelivery of the same message (or the same inbound SMS in a new envelope) counts once', async () => {
    const who = phone();
    const first = delivery({ from: who.e164, body: 'Stop', id: 'inbound-redelivered-1' });
    expect((await post(first)).body).toEqual({ action: 'OPTED_OUT' });
    expect((await post(first)).body).toEqual({ action: 'OPTED_OUT' });
    const again = delivery({ from: who.e164, body: 'Stop', id: 'inbound-redelivered-1' });
    expect((await post(again)).body).toEqual({ action: 'OPTED_OUT' });
    expect(await auditOf(who.e164)).toHaveLength(1);
  });

  it('MULAI opts back in: off our list and SNS’s, one confirmation SMS, audited; a redelivery sends nothing more', async () => {
    const who = phone();
    await post(delivery({ from: who.e164, body: 'BERHENTI' }));
    outbox.carrierOptOut(who.e164);
    const mulai = delivery({ from: who.e164, body: 'mulai' });
    expect((await post(mulai)).body).toEqual({ action: 'OPTED_IN' });
    expect(await isOptedOut(who.e164)).toBe(false);
    expect(outbox.carrierOptedOutNumbers()).not.toContain(who.e164);
    const sent = smsTo(who.e164);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      text: optInConfirmationSms(),
      purpose: 'sms-opt-in',
      encoding: 'GSM-7',
      parts: 1,
    });
    expect(fitsOneSms(optInConfirmationSms())).toBe(true);
    const trail = await auditOf(who.e164);
    expect(trail.map((a) => a.action)).toEqual(['SMS_OPT_OUT', 'SMS_OPT_IN']);
    expect(trail[1]).toMatchObject({ before: { optedOut: true, source: 'SMS' }, after: { optedOut: false } });

    expect((await post(mulai)).body).toEqual({ action: 'OPTED_IN' });
    expect(smsTo(who.e164)).toHaveLength(1);
    expect(await auditOf(who.e164)).toHaveLength(2);
  });

  it('SNS refusing the opt-in (once per 30 days) is logged, not fatal', async () => {
    const who = phone();
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.map(String).join(' '))),
    );
    logger.setLogLevel('INFO');
    try {
      expect((await post(delivery({ from: who.e164, body: 'MULAI' }))).body).toEqual({ action: 'OPTED_IN' });
      expect((await post(delivery({ from: who.e164, body: 'STOP' }))).body).toEqual({ action: 'OPTED_OUT' });
      expect((await post(delivery({ from: who.e164, body: 'MULAI' }))).body).toEqual({ action: 'OPTED_IN' });
      expect((await post(delivery({ from: who.e164, body: 'Kapan posyandu buka?' }))).body).toEqual({
        action: 'IGNORED',
      });
    } finally {
      logger.setLogLevel('WARN');
      for (const spy of spies) spy.mockRestore();
    }
    expect(await isOptedOut(who.e164)).toBe(false);
    expect(smsTo(who.e164)).toHaveLength(2);
    const all = lines.join('\n');
    expect(all).toContain('SNS opt-in refused');
    expect(all).toContain('inbound SMS ignored');
    // Neither the number nor the citizen's words reach the logs.
    expect(all).not.toContain(who.e164.slice(3));
    expect(all).not.toContain('posyandu');
  });

  it('any other text, and a keyword from a non-Indonesian number, are ignored and write nothing', async () => {
    const who = phone();
    expect((await post(delivery({ from: who.e164, body: 'Terima kasih bu bidan' }))).body).toEqual({
      action: 'IGNORED',
    });
    expect((await post(delivery({ from: '+14255550182', body: 'STOP' }))).body).toEqual({
      action: 'IGNORED',
    });
    expect(await auditOf(who.e164)).toEqual([]);
    expect(await isOptedOut(who.e164)).toBe(false);
  });

  it('refuses what SNS did not sign for our topic: 403', async () => {
    const who = phone();
    const good = delivery({ from: who.e164, body: 'STOP' });
    const tampered = { ...good, Message: good.Message.replace('STOP', 'MULAI') };
    const otherTopic = delivery(
      { from: who.e164, body: 'STOP' },
      { TopicArn: 'arn:aws:sns:ap-southeast-3:999999999999:elsewhere' },
    );
    const old = delivery(
      { from: who.e164, body: 'STOP' },
      { Timestamp: new Date(Date.now() - 2 * 3600_000).toISOString() },
    );
    const foreignCert = delivery(
      { from: who.e164, body: 'STOP' },
      { SigningCertURL: 'https://example.com/cert.pem' },
    );
    const bare = JSON.parse(good.Message);
    for (const body of [tampered, otherTopic, old, foreignCert, bare]) {
      const r = await post(body);
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('Forbidden');
    }
    expect(await isOptedOut(who.e164)).toBe(false);
    expect(fetched.every((u) => u === CERT_URL)).toBe(true);
  });

  it('400 for what is not an SNS message at all, naming what is wrong', async () => {
    expect((await post('not json')).status).toBe(400);
    const noSig = { ...delivery({ from: '+6281234567890', body: 'STOP' }), Signature: undefined };
    const r = await post(noSig);
    expect(r.status).toBe(400);
    expect(r.body.issues).toEqual([expect.objectContaining({ path: 'Signature' })]);
    const badMessage = delivery({ from: '+6281234567890', body: 'STOP' }, { Message: '{"hello":1}' });
    const m = await post(badMessage);
    expect(m.status).toBe(400);
    expect((m.body.issues as { path: string }[]).map((i) => i.path)).toContain('Message.originationNumber');
  });

  it('500 (so SNS retries) when the deployment lacks its topic', async () => {
    delete process.env.SMS_INBOUND_TOPIC_ARN;
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await post(delivery({ from: '+6281234567890', body: 'STOP' }))).status).toBe(500);
    } finally {
      spy.mockRestore();
    }
  });

  it('confirms the subscription by visiting its SubscribeURL', async () => {
    const url = `https://sns.ap-southeast-3.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`;
    const confirmation = delivery(
      { from: '+6281234567890', body: '' },
      {
        Type: 'SubscriptionConfirmation',
        Message: `You have chosen to subscribe to the topic ${TOPIC}.`,
        SubscribeURL: url,
        Token: 'abc',
      },
    );
    expect((await post(confirmation)).body).toEqual({ action: 'CONFIRMED' });
    expect(fetched).toEqual([CERT_URL, url]);
    const unsubscribed = delivery(
      { from: '+6281234567890', body: '' },
      { Type: 'UnsubscribeConfirmation', Message: 'unsubscribed', SubscribeURL: url, Token: 'abc' },
    );
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect((await post(unsubscribed)).body).toEqual({ action: 'IGNORED' });
    } finally {
      spy.mockRestore();
    }
  });

  it('with SMS_INBOUND_VERIFY=off (local mode) takes the bare two-way JSON and unsigned envelopes, confirms nothing', async () => {
    process.env.SMS_INBOUND_VERIFY = 'off';
    const who = phone();
    expect((await post({ originationNumber: who.local, messageBody: 'BERHENTI' })).body).toEqual({
      action: 'OPTED_OUT',
    });
    expect(await isOptedOut(who.e164)).toBe(true);
    const unsigned = { ...delivery({ from: who.e164, body: 'MULAI' }), Signature: 'x', TopicArn: 'arn:any' };
    expect((await post(unsigned)).body).toEqual({ action: 'OPTED_IN' });
    const confirmation = delivery(
      { from: who.e164, body: '' },
      {
        Type: 'SubscriptionConfirmation',
        SubscribeURL: 'https://sns.ap-southeast-3.amazonaws.com/?x',
        Token: 't',
      },
    );
    expect((await post(confirmation)).body).toEqual({ action: 'IGNORED' });
    expect(fetched).toEqual([]);
  });
});

describe('the daily sync with SNS’s opt-out list', () => {
  /** Our list as {number: source}, for the numbers a test uses. */
  async function ours(phones: string[]) {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName('reminders'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'OPTOUT' },
        ConsistentRead: true,
      }),
    );
    return Object.fromEntries(
      (out.Items ?? []).filter((i) => phones.includes(String(i.sk))).map((i) => [String(i.sk), i.source]),
    );
  }

  it('adds SNS’s numbers page by page, takes off those SNS dropped, keeps those opted out by SMS', async () => {
    const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => phone().e164) as [string, ...string[]];
    // b: SNS-sourced and still listed; c: SNS-sourced, no longer listed; d: opted out by SMS, not listed.
    await givenOptedOut({ phone: b!, at: '2026-01-01T00:00:00.000Z', source: 'SNS' });
    await givenOptedOut({ phone: c!, at: '2026-01-01T00:00:00.000Z', source: 'SNS' });
    await post(delivery({ from: d!, body: 'STOP' }));
    // e: SNS-sourced, then the citizen sent STOP as well: now their own, so it stays.
    await givenOptedOut({ phone: e!, at: '2026-01-01T00:00:00.000Z', source: 'SNS' });
    await post(delivery({ from: e!, body: 'BERHENTI' }));
    outbox.carrierOptOut(a, b!, f!, '+14255550182');
    outbox.optOutPageSize = 2;
    const listSpy = vi.spyOn(outbox, 'listOptedOut');

    const result = await syncOptOutsJob({ job: 'sms-opt-outs' });
    expect(listSpy).toHaveBeenCalledTimes(2);
    expect(result).toEqual({ listed: 4, skipped: 1, added: 2, removed: 1 });
    expect(await ours([a, b!, c!, d!, e!, f!])).toEqual({
      [a]: 'SNS',
      [b!]: 'SNS',
      [d!]: 'SMS',
      [e!]: 'SMS',
      [f!]: 'SNS',
    });
    expect((await auditOf(a)).map((x) => x.action)).toEqual(['SNS_OPT_OUT']);
    expect((await auditOf(c!)).map((x) => x.action)).toEqual(['SNS_OPT_IN']);
    expect(await auditOf(b!)).toEqual([]);

    // A second run changes nothing.
    const again = await syncOptOuts();
    expect(again).toMatchObject({ listed: 4, skipped: 1, added: 0, removed: 0 });
  });

  it('reads ListPhoneNumbersOptedOut through every nextToken (the SNS client)', async () => {
    const sns = mockClient(SNSClient);
    setNotifier(undefined);
    try {
      const [p1, p2, p3, p4, p5] = Array.from({ length: 5 }, () => phone().e164);
      // The sync counts what it changes; other tests' SNS-sourced numbers would be taken off too, so start clean.
      for (const phone of await optedOutNumbers()) {
        await ddb().send(
          new PutCommand({
            TableName: tableName('reminders'),
            Item: { ...optOutKey(phone), at: '2026-01-01T00:00:00.000Z', source: 'SMS' },
          }),
        );
      }
      await givenOptedOut({ phone: p5!, at: '2026-01-01T00:00:00.000Z', source: 'SNS' });
      sns
        .on(ListPhoneNumbersOptedOutCommand, {})
        .resolves({ phoneNumbers: [p1!, '+447700900123'], nextToken: 'page-2' })
        .on(ListPhoneNumbersOptedOutCommand, { nextToken: 'page-2' })
        .resolves({ phoneNumbers: [p2!, p3!], nextToken: 'page-3' })
        .on(ListPhoneNumbersOptedOutCommand, { nextToken: 'page-3' })
        .resolves({ phoneNumbers: [p4!] });
      const result = await syncOptOutsJob({ job: 'sms-opt-outs' }, context());
      expect(result).toEqual({ listed: 5, skipped: 1, added: 4, removed: 1 });
      expect(sns.commandCalls(ListPhoneNumbersOptedOutCommand).map((c) => c.args[0].input)).toEqual([
        {},
        { nextToken: 'page-2' },
        { nextToken: 'page-3' },
      ]);
      for (const p of [p1!, p2!, p3!, p4!]) expect(await isOptedOut(p)).toBe(true);
      expect(await isOptedOut(p5!)).toBe(false);
      expect(sns.commandCalls(OptInPhoneNumberCommand)).toHaveLength(0);
    } finally {
      sns.restore();
    }
  });

  it('a listing that fails part way changes nothing', async () => {
    const who = phone().e164;
    await givenOptedOut({ phone: who, at: '2026-01-01T00:00:00.000Z', source: 'SNS' });
    outbox.carrierOptOut(phone().e164, phone().e164, phone().e164);
    outbox.optOutPageSize = 1;
    const real = outbox.listOptedOut.bind(outbox);
    vi.spyOn(outbox, 'listOptedOut').mockImplementation(async (token) => {
      if (token) throw new Error('Throttled');
      return real(token);
    });
    await expect(syncOptOutsJob({ job: 'sms-opt-outs' })).rejects.toThrow('Throttled');
    expect(await isOptedOut(who)).toBe(true);
    const scanned = await ddb().send(new ScanCommand({ TableName: tableName('audit') }));
    expect(
      (scanned.Items ?? []).filter((i) => i.action === 'SNS_OPT_IN' && i.pk === optOutEntity(who)),
    ).toEqual([]);
  });
});

async function syncOptOuts() {
  return syncOptOutsJob({ job: 'sms-opt-outs' });
}
