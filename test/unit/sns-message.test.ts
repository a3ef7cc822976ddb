// SNS HTTP(S) delivery checks: AWS's canonical string, signatures v1 (SHA1) and v2 (SHA256) made with a key pair
// of our own (its public key PEM served as the "certificate"), the certificate host, the topic and the age.
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Forbidden, ValidationError } from '../../shared/platform/errors.ts';
import {
  confirmSubscription,
  isSnsCertUrl,
  parseSnsEnvelope,
  type SnsEnvelope,
  setSnsFetch,
  stringToSign,
  verifySnsMessage,
} from '../../shared/platform/sns-message.ts';

const TOPIC = 'arn:aws:sns:ap-southeast-3:111122223333:sehatkota-sms-inbound';
const CERT_URL = 'https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

let fetched: string[] = [];

function envelope(over: Partial<SnsEnvelope> = {}, version: '1' | '2' = '2', key = keys.privateKey) {
  const m: SnsEnvelope = {
    Type: 'Notification',
    MessageId: 'b5a1c1a3-0000-4000-8000-000000000001',
    TopicArn: TOPIC,
    Message: JSON.stringify({ originationNumber: '+6281234567890', messageBody: 'STOP' }),
    Timestamp: new Date().toISOString(),
    SignatureVersion: version,
    Signature: '',
    SigningCertURL: CERT_URL,
    ...over,
  };
  m.Signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(stringToSign(m)), key).toString(
    'base64',
  );
  return m;
}

beforeEach(() => {
  fetched = [];
  setSnsFetch(async (url) => {
    fetched.push(url);
    return url.endsWith('.pem') ? publicPem : '<ConfirmSubscriptionResponse/>';
  });
});

afterEach(() => setSnsFetch(undefined));

describe('the string SNS signs', () => {
  it('lists the Notification keys in order, Subject only when present', () => {
    const m = envelope({ Message: 'halo\nbaris dua', Timestamp: '2026-03-01T01:02:03.456Z' });
    expect(stringToSign(m)).toBe(
      `Message\nhalo\nbaris dua\nMessageId\n${m.MessageId}\nTimestamp\n2026-03-01T01:02:03.456Z\nTopicArn\n${TOPIC}\nType\nNotification\n`,
    );
    expect(stringToSign({ ...m, Subject: 'Judul' })).toContain(
      `MessageId\n${m.MessageId}\nSubject\nJudul\nTimestamp`,
    );
    expect(stringToSign({ ...m, Subject: null })).not.toContain('Subject');
  });

  it('signs SubscribeURL and Token of a confirmation', () => {
    const m = envelope({ Type: 'SubscriptionConfirmation', SubscribeURL: 'https://sns.x/', Token: 'tok' });
    expect(stringToSign(m)).toMatch(
      /^Message\n.*\nMessageId\n.*\nSubscribeURL\nhttps:\/\/sns\.x\/\nTimestamp\n.*\nToken\ntok\nTopicArn\n.*\nType\nSubscriptionConfirmation\n$/s,
    );
  });
});

describe('verifySnsMessage', () => {
  it('accepts signature version 2 (SHA256) and version 1 (SHA1)', async () => {
    await expect(verifySnsMessage(envelope({}, '2'), { topicArn: TOPIC })).resolves.toBeUndefined();
    await expect(verifySnsMessage(envelope({}, '1'), { topicArn: TOPIC })).resolves.toBeUndefined();
  });

  it('fetches a certificate once per URL', async () => {
    await verifySnsMessage(envelope(), { topicArn: TOPIC });
    await verifySnsMessage(envelope({ MessageId: 'another' }), { topicArn: TOPIC });
    expect(fetched).toEqual([CERT_URL]);
  });

  it('refuses a changed message, another key, a v1 signature claimed as v2, and garbage', async () => {
    const changed = { ...envelope(), Message: '{"originationNumber":"+6289999999999","messageBody":"STOP"}' };
    const otherKey = envelope({}, '2', other.privateKey);
    const v1AsV2 = { ...envelope({}, '1'), SignatureVersion: '2' as const };
    const garbage = { ...envelope(), Signature: 'not-base64-at-all!' };
    for (const m of [changed, otherKey, v1AsV2, garbage]) {
      await expect(verifySnsMessage(m, { topicArn: TOPIC })).rejects.toThrow(/signature does not verify/);
    }
  });

  it('refuses a certificate URL off SNS hosts without fetching it', async () => {
    for (const url of [
      'https://evil.example.com/SimpleNotificationService-1.pem',
      'http://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-1.pem',
      'https://sns.ap-southeast-3.amazonaws.com.evil.example/SimpleNotificationService-1.pem',
      'https://sns.ap-southeast-3.amazonaws.com:8443/SimpleNotificationService-1.pem',
      'https://user@sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-1.pem',
      'https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-1.txt',
      'https://s3.ap-southeast-3.amazonaws.com/SimpleNotificationService-1.pem',
      'not a url',
    ]) {
      const m = envelope({ SigningCertURL: url });
      const error = await verifySnsMessage(m, { topicArn: TOPIC }).catch((e) => e);
      expect(error, url).toBeInstanceOf(Forbidden);
      expect(error.message).toMatch(/SigningCertURL/);
    }
    expect(fetched).toEqual([]);
    expect(isSnsCertUrl(CERT_URL)).toBe(true);
    expect(isSnsCertUrl('https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-1.pem')).toBe(
      true,
    );
  });

  it('refuses another topic before fetching anything', async () => {
    const m = envelope({ TopicArn: 'arn:aws:sns:ap-southeast-3:999999999999:someone-else' });
    await expect(verifySnsMessage(m, { topicArn: TOPIC })).rejects.toThrow(/expected SNS topic/);
    expect(fetched).toEqual([]);
  });

  it('refuses a message older than an hour, or dated in the future', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const at = (ms: number) => envelope({ Timestamp: new Date(now.getTime() + ms).toISOString() });
    await expect(verifySnsMessage(at(-59 * 60_000), { topicArn: TOPIC, now })).resolves.toBeUndefined();
    await expect(verifySnsMessage(at(-61 * 60_000), { topicArn: TOPIC, now })).rejects.toThrow(/too old/);
    await expect(verifySnsMessage(at(10 * 60_000), { topicArn: TOPIC, now })).rejects.toThrow(/future/);
    await expect(
      verifySnsMessage(envelope({ Timestamp: 'yesterday' }), { topicArn: TOPIC, now }),
    ).rejects.toThrow(/Timestamp/);
  });

  it('a certificate that cannot be fetched is our failure (retried), not cached', async () => {
    setSnsFetch(async () => {
      throw new Error('network down');
    });
    const error = await verifySnsMessage(envelope(), { topicArn: TOPIC }).catch((e) => e);
    expect(error).not.toBeInstanceOf(Forbidden);
    expect(error.message).toMatch(/certificate: network down/);
  });
});

describe('parseSnsEnvelope and confirmSubscription', () => {
  it('names the missing field with a 400', () => {
    const { Signature: _, ...noSignature } = envelope();
    const error = (() => {
      try {
        parseSnsEnvelope(noSignature);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('Signature');
    expect(() => parseSnsEnvelope({ ...envelope(), Type: 'SubscriptionConfirmation' })).toThrow(
      /SubscribeURL/,
    );
    expect(() => parseSnsEnvelope({ ...envelope(), SignatureVersion: '3' })).toThrow(ValidationError);
  });

  it('visits the SubscribeURL of a confirmation, only on an SNS host', async () => {
    const url = `https://sns.ap-southeast-3.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=t`;
    await confirmSubscription(envelope({ Type: 'SubscriptionConfirmation', SubscribeURL: url, Token: 't' }));
    expect(fetched).toEqual([url]);
    await expect(
      confirmSubscription(
        envelope({ Type: 'SubscriptionConfirmation', SubscribeURL: 'https://169.254.169.254/', Token: 't' }),
      ),
    ).rejects.toThrow(/not an SNS URL/);
  });
});
