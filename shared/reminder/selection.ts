// Who is due a campaign's reminder on a day, read from the registry's indexes and never by a scan: a birthday's
// residents of the campaign's ages (gsi2, BD#<MM-DD> by birth date, one range per age band), those born on one
// date (gsi2), a broadcast's area (its RTs' residents, gsi1) or its ages across the city (gsi2, every birthday).
// Everything read is counted, so the job can show that it reads little more than what is due.
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { RT_CODE } from '#shared/city/regions.ts';
import { listRts } from '#shared/city/rts.ts';
import { queryAll } from '#shared/platform/dynamo.ts';
import { mapInFlight } from '#shared/platform/in-flight.ts';
import { tableName } from '#shared/platform/tables.ts';
import { ageOn } from '#shared/registry/rules.ts';
import { ALL_BIRTHDAYS, addDays, addYears, birthdaysOn, isOccurrence, parts } from './dates.ts';
import type { FireRef } from './keys.ts';
import type { Campaign } from './schemas.ts';

/** What the reminders read of a resident. */
export interface Recipient {
  nik: string;
  name: string;
  birthDate: string;
  sex: 'M' | 'F';
  phone?: string;
  smsConsent?: boolean;
  rt: string;
  kelurahan: string;
  /** The last free health check (CKG) a clinic recorded, YYYY-MM-DD. */
  lastCheckDate?: string;
}

export interface Due {
  recipient: Recipient;
  ref: FireRef;
}

const PROJECTION = 'nik, #name, birthDate, sex, phone, smsConsent, rt, kelurahan, lastCheckDate, civilStatus';
/** Queries in flight at once: 366 birthday partitions for a city-wide broadcast. */
const PARALLEL = 16;

interface Band {
  min: number;
  max?: number;
}

function bandsOf(c: Campaign): Band[] {
  const a = c.audience;
  if (a.ageBands?.length) return a.ageBands;
  if (a.ageMin === undefined && a.ageMax === undefined) return [{ min: 0 }];
  return [{ min: a.ageMin ?? 0, ...(a.ageMax !== undefined ? { max: a.ageMax } : {}) }];
}

const inBands = (age: number, bands: Band[]) =>
  bands.some((b) => age >= b.min && (b.max === undefined || age <= b.max));

/** The part of the audience the indexes do not select on: area and sex. */
function inAreaAndSex(r: Recipient, c: Campaign): boolean {
  const { area, sex } = c.audience;
  if (sex && r.sex !== sex) return false;
  if (!area) return true;
  return RT_CODE.test(area) ? r.rt === area : r.kelurahan.startsWith(area);
}

export class SelectionReader {
  /** Resident items read (every item a query returned: no filter expressions, so nothing is read unseen). */
  read = 0;
  /** RT directory items read to find an area's RTs. */
  rtsRead = 0;
  queries = 0;

  async query(input: Omit<QueryCommandInput, 'TableName' | 'ProjectionExpression'>): Promise<Recipient[]> {
    const items = await queryAll({
      ...input,
      TableName: tableName('registry'),
      ProjectionExpression: PROJECTION,
      ExpressionAttributeNames: { '#name': 'name' },
    });
    this.queries++;
    this.read += items.length;
    // Someone who has died or moved out is out of the birthday index already; an RT's list (a broadcast) still names them.
    return items.filter((i) => !i.civilStatus) as unknown as Recipient[];
  }

  /** Residents whose birthday is `mmdd`, born between two days (both included). */
  birthday(mmdd: string, from: string, to: string): Promise<Recipient[]> {
    return this.query({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `BD#${mmdd}`, ':from': `${from}#`, ':to': `${to}#~` },
    });
  }

  rt(rt: string): Promise<Recipient[]> {
    return this.query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `RT#${rt}` },
    });
  }
}

/** Queries in flight at once, their rows in one list. */
const inParallel = async <T>(items: readonly T[], fn: (item: T) => Promise<Recipient[]>) =>
  (await mapInFlight(items, PARALLEL, fn)).flat();

const yearsRange = (eventYear: number, b: Band) => ({
  from: `${String(b.max === undefined ? 0 : eventYear - b.max).padStart(4, '0')}-01-01`,
  to: `${String(eventYear - b.min).padStart(4, '0')}-12-31`,
});

/** BIRTHDAY: on `day`, offset o reminds those whose birthday is day − o, of the campaign's ages on it. */
async function birthdayDue(c: Campaign, day: string, reader: SelectionReader): Promise<Due[]> {
  const bands = bandsOf(c);
  const due: Due[] = [];
  for (const offset of c.offsetsDays) {
    const eventDate = addDays(day, -offset);
    const year = parts(eventDate)[0];
    const queries = birthdaysOn(eventDate).flatMap((mmdd) =>
      bands.map((b) => ({ mmdd, ...yearsRange(year, b) })),
    );
    const found = await inParallel(queries, (q) => reader.birthday(q.mmdd, q.from, q.to));
    for (const r of found) {
      if (r.birthDate >= eventDate) continue;
      if (!inBands(year - parts(r.birthDate)[0], bands) || !inAreaAndSex(r, c)) continue;
      due.push({ recipient: r, ref: { campaignId: c.id, version: c.version, offset, eventDate } });
    }
  }
  return due;
}

/** DATE_FIELD (birthDate): on `day`, offset o reminds those born on day − o; the event is the day itself. */
async function dateFieldDue(c: Campaign, day: string, reader: SelectionReader): Promise<Due[]> {
  const bands = bandsOf(c);
  const due: Due[] = [];
  for (const offset of c.offsetsDays) {
    const born = addDays(day, -offset);
    if (born > day) continue;
    for (const r of await reader.birthday(born.slice(5), born, born)) {
      if (!inBands(ageOn(r.birthDate, day), bands) || !inAreaAndSex(r, c)) continue;
      due.push({ recipient: r, ref: { campaignId: c.id, version: c.version, offset, eventDate: day } });
    }
  }
  return due;
}

/** BROADCAST: on `day`, offset o reminds the audience of the occurrence on day − o, if there is one. */
async function broadcastDue(c: Campaign, day: string, reader: SelectionReader): Promise<Due[]> {
  const bands = bandsOf(c);
  const due: Due[] = [];
  for (const offset of c.offsetsDays) {
    const eventDate = addDays(day, -offset);
    if (!isOccurrence(eventDate, c.date!, c.repeat === 'MONTHLY')) continue;
    let found: Recipient[];
    const area = c.audience.area;
    if (area) {
      // An area: its RTs' residents (the RT directory is small), ages checked on what comes back.
      const rts = RT_CODE.test(area) ? [area] : (await listRts(area.replaceAll('.', ''))).map((r) => r.rt);
      reader.rtsRead += RT_CODE.test(area) ? 0 : rts.length;
      found = await inParallel(rts, (rt) => reader.rt(rt));
    } else {
      // The whole city: every birthday partition, each read only over the birth dates of the campaign's ages.
      const ranges = bands.map((b) => ({
        from: b.max === undefined ? '0000-01-01' : addDays(addYears(eventDate, -(b.max + 1)), 1),
        to: addYears(eventDate, -b.min),
      }));
      found = await inParallel(
        ALL_BIRTHDAYS.flatMap((mmdd) => ranges.map((r) => ({ mmdd, ...r }))),
        (q) => reader.birthday(q.mmdd, q.from, q.to),
      );
    }
    for (const r of found) {
      if (r.birthDate > eventDate) continue;
      if (!inBands(ageOn(r.birthDate, eventDate), bands) || !inAreaAndSex(r, c)) continue;
      due.push({ recipient: r, ref: { campaignId: c.id, version: c.version, offset, eventDate } });
    }
  }
  return due;
}

/** Everyone a campaign reminds on `day` (WIB), one entry per resident and offset. */
export async function selectDue(c: Campaign, day: string, reader = new SelectionReader()): Promise<Due[]> {
  if (c.kind === 'BIRTHDAY') return birthdayDue(c, day, reader);
  if (c.kind === 'DATE_FIELD') return dateFieldDue(c, day, reader);
  return broadcastDue(c, day, reader);
}
