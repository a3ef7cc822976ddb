// What a 112 alert says and how it travels: one SMS to the unit (≤ 160 GSM-7 characters, with a short
// acknowledgement link), the full incident as JSON to the responders' topic of the unit's kind, and plain
// messages to the supervisors. Each alert is an item in the incident's partition (its delivery state, which
// the operator sees) and a message on the alerts queue, written by the same operation.
import { randomBytes } from 'node:crypto';
import { fitsOneSms, smsLength } from '#shared/platform/sms-text.ts';
import { tableName } from '#shared/platform/tables.ts';
import type { Alert, Assignment, Incident, IncidentType, UnitKind } from './schemas.ts';

export const TYPE_WORD: Record<IncidentType, string> = {
  MEDICAL: 'MEDIS',
  FIRE: 'KEBAKARAN',
  ACCIDENT: 'KECELAKAAN',
  DISASTER: 'BENCANA',
  CRIME: 'KRIMINAL',
  OTHER: 'LAINNYA',
};

export const RESPONDER_TOPIC: Record<UnitKind, `responders_${Lowercase<UnitKind>}`> = {
  AMBULANCE: 'responders_ambulance',
  FIRE: 'responders_fire',
  POLICE: 'responders_police',
  RESCUE: 'responders_rescue',
};

/** The message on the alerts queue: everything the sender needs, so it reads nothing before sending. */
export interface AlertMessage {
  alertId: string;
  incidentId: string;
  purpose: string;
  sms?: { phone: string; text: string };
  topic?: { topic: string; subject: string; text: string };
}

/** An unguessable token for the acknowledgement link (72 bits, 12 characters). */
export const newAckToken = () => randomBytes(9).toString('base64url');

export const ackUrl = (linkBase: string, token: string) =>
  `${(process.env.PUBLIC_BASE_URL || linkBase).replace(/\/+$/, '')}/a/${token}`;

/** Only GSM-7 characters: accents dropped (é stays, it is GSM-7), anything else becomes a space. */
export function gsm7(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (smsLength(ch).encoding === 'GSM-7') out += ch;
    else {
      const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += plain && smsLength(plain).encoding === 'GSM-7' ? plain : ' ';
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

const coverageWord = (i: Incident) => {
  const c = i.patientCoverage;
  if (!c) return '';
  if (c.status === 'ACTIVE') return 'JKN AKTIF. ';
  if (c.status === 'INACTIVE') return 'JKN TIDAK AKTIF. ';
  return 'JKN TIDAK TERDAFTAR. ';
};

/** P1 MEDIS 112-2026-000123 Jl. Sudirman 12. JKN AKTIF. Terima: https://…/a/<token> — one SMS, always. */
export function unitSmsText(incident: Incident, link: string): string {
  const place = gsm7(
    incident.location.address ?? `${incident.location.lat.toFixed(5)},${incident.location.lon.toFixed(5)}`,
  );
  const head = `${incident.priority} ${TYPE_WORD[incident.type]} ${incident.number}`;
  const tail = `${coverageWord(incident)}Terima: ${link}`;
  for (let room = place.length; room >= 0; room--) {
    const shown = room === place.length ? place : `${place.slice(0, Math.max(0, room - 2)).trimEnd()}..`;
    const text = room > 0 ? `${head} ${shown}. ${tail}` : `${head}. ${tail}`;
    if (fitsOneSms(text)) return text;
  }
  // Only a link too long for any SMS gets here (a misconfigured PUBLIC_BASE_URL): the essentials still go.
  return `${head}. Terima: ${link}`.slice(0, 160);
}

/** The full incident for the responders' topic (e-mail / HTTPS subscribers): no NIK, only the coverage. */
export function incidentJson(incident: Incident, a: Assignment): string {
  const { lat, lon } = incident.location;
  return JSON.stringify(
    {
      incident: {
        id: incident.id,
        number: incident.number,
        type: incident.type,
        priority: incident.priority,
        triage: incident.triage,
        description: incident.description,
        location: incident.location,
        map: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`,
        callerPhone: incident.callerPhone,
        reportedAt: incident.reportedAt,
        ...(incident.patientCoverage ? { patient: { coverage: incident.patientCoverage } } : {}),
      },
      assignment: {
        n: a.n,
        unitId: a.unitId,
        unitName: a.unitName,
        distanceM: a.distanceM,
        at: a.dispatchedAt,
      },
    },
    null,
    2,
  );
}

/** A new alert: its item (state PENDING) for the operation's transaction, and its queue message. */
export function newAlert(
  incident: Pick<Incident, 'id'>,
  at: string,
  to: string,
  purpose: string,
  body: Pick<AlertMessage, 'sms' | 'topic'>,
): { put: { Put: { TableName: string; Item: Record<string, unknown> } }; message: AlertMessage } {
  const alertId = `${at.replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  const alert: Alert = {
    alertId,
    incidentId: incident.id,
    channel: body.sms ? 'sms' : 'topic',
    to,
    purpose,
    state: 'PENDING',
    attempts: 0,
    createdAt: at,
  };
  return {
    put: {
      Put: {
        TableName: tableName('incidents'),
        Item: { pk: `INC#${incident.id}`, sk: `A#${alertId}`, ...alert },
      },
    },
    message: { alertId, incidentId: incident.id, purpose, ...body },
  };
}
