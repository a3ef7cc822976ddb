// Dukcapil's civil registration export as CSV (`event,nik,date,motherNik,name,sex,to,reference`; event BIRTH, DEATH
// or MOVE_OUT), applied line by line through the same transactions as the API's: a death, a move out of the city, a
// birth. Every line is checked by the API's own rules and rejected by line and field when it cannot be applied; a
// line the registry already holds (the same death, move or birth) is unchanged, so the same file twice changes
// nothing. Lines about one person are applied in file order; different people's, a few at a time.
import * as z from 'zod/mini';
import { readCsvTable } from '#shared/platform/csv.ts';
import { DomainError, PayloadTooLarge, ValidationError } from '#shared/platform/errors.ts';
import { mapInFlight } from '#shared/platform/in-flight.ts';
import { recordBirth } from './births.ts';
import { birthSchema, deathSchema, moveSchema } from './civil-schemas.ts';
import { recordDeath } from './deaths.ts';
import { nikSchema } from './fields.ts';
import { recordMove } from './moves.ts';
import type { WriteContext } from './repository.ts';

export const CIVIL_EVENT_COLUMNS = [
  'event',
  'nik',
  'date',
  'motherNik',
  'name',
  'sex',
  'to',
  'reference',
] as const;
const EVENTS = ['BIRTH', 'DEATH', 'MOVE_OUT'] as const;
type CivilEvent = (typeof EVENTS)[number];
const MAX_REJECTIONS_KEPT = 1000;
/** People whose lines are applied at once. */
const IN_FLIGHT = 8;
// L/P (laki-laki/perempuan) is how Dukcapil writes it.
const SEX_ALIASES: Record<string, string> = { L: 'M', P: 'F', 'LAKI-LAKI': 'M', PEREMPUAN: 'F' };

export interface CivilEventsResult {
  rows: number;
  applied: Record<CivilEvent, number>;
  unchanged: number;
  rejected: { line: number; field: string; reason: string }[];
  rejectedRows: number;
  /** City-paid months already due after a death or a move: what to recover from BPJS, per person. */
  overpaid: { nik: string; months: string[]; rupiah: number }[];
}

interface Line {
  line: number;
  event: CivilEvent;
  /** Whose line it is (the person's NIK, or the mother's for a birth): lines about one person run in order. */
  who: string;
  apply: (ctx: WriteContext) => Promise<{ overpaid?: { nik: string; months: string[]; rupiah: number } }>;
  /** Whether a 409 means the registry holds this line already. */
  already: (details: Record<string, unknown>) => boolean;
}

type Cells = Partial<Record<(typeof CIVIL_EVENT_COLUMNS)[number], string>>;
type Issue = { field: string; reason: string };

const issuesOf = (error: z.core.$ZodError, rename: Record<string, string> = {}): Issue[] =>
  error.issues.map((i) => {
    const field = String(i.path[0] ?? 'row');
    return { field: rename[field] ?? field, reason: i.message };
  });

/** One line as what it asks for, or why it cannot be. */
function readLine(line: number, c: Cells): Line | Issue[] {
  const event = c.event?.trim().toUpperCase();
  if (!event || !(EVENTS as readonly string[]).includes(event))
    return [{ field: 'event', reason: `must be one of ${EVENTS.join(', ')}` }];
  if (event === 'BIRTH') {
    const sex = c.sex ? (SEX_ALIASES[c.sex.trim().toUpperCase()] ?? c.sex.trim().toUpperCase()) : undefined;
    const parsed = z.safeParse(birthSchema, {
      motherNik: c.motherNik,
      name: c.name,
      birthDate: c.date,
      sex,
      ...(c.nik ? { nik: c.nik } : {}),
    });
    if (!parsed.success) return issuesOf(parsed.error, { birthDate: 'date' });
    const input = parsed.data;
    return {
      line,
      event,
      who: input.motherNik,
      apply: async (ctx) => (await recordBirth(input, ctx), {}),
      already: (d) => !!d.birth,
    };
  }
  const nik = z.safeParse(nikSchema, c.nik);
  if (!nik.success) return issuesOf(nik.error).map((i) => ({ ...i, field: 'nik' }));
  if (event === 'DEATH') {
    const parsed = z.safeParse(deathSchema, {
      date: c.date,
      source: 'DUKCAPIL',
      ...(c.reference ? { reference: c.reference } : {}),
    });
    if (!parsed.success) return issuesOf(parsed.error);
    const input = parsed.data;
    return {
      line,
      event,
      who: nik.data,
      apply: async (ctx) => {
        const out = await recordDeath(nik.data, input, ctx);
        return out.overpaid.months.length ? { overpaid: { nik: nik.data, ...out.overpaid } } : {};
      },
      already: (d) => d.status === 'DECEASED' && d.deceasedOn === input.date,
    };
  }
  const parsed = z.safeParse(moveSchema, {
    date: c.date,
    to: c.to,
    ...(c.reference ? { reference: c.reference } : {}),
  });
  if (!parsed.success) return issuesOf(parsed.error);
  const input = parsed.data;
  return {
    line,
    event: 'MOVE_OUT',
    who: nik.data,
    apply: async (ctx) => {
      const out = await recordMove(nik.data, input, ctx);
      return out.status === 'MOVED_OUT' && out.overpaid.months.length
        ? { overpaid: { nik: nik.data, ...out.overpaid } }
        : {};
    },
    already: (d) => d.status === 'MOVED_OUT' && d.movedOutOn === input.date && d.to === input.to,
  };
}

export async function importCivilEvents(
  text: string,
  ctx: WriteContext,
  opts: { maxRows?: number } = {},
): Promise<CivilEventsResult> {
  const { header, records } = readCsvTable(text, ['event', 'date'], CIVIL_EVENT_COLUMNS.join(','));
  if (opts.maxRows !== undefined && records.length > opts.maxRows)
    throw new PayloadTooLarge(
      `This file has ${records.length} lines; up to ${opts.maxRows} are taken at once.`,
      {
        rows: records.length,
        maxRows: opts.maxRows,
      },
    );
  const result: CivilEventsResult = {
    rows: records.length,
    applied: { BIRTH: 0, DEATH: 0, MOVE_OUT: 0 },
    unchanged: 0,
    rejected: [],
    rejectedRows: 0,
    overpaid: [],
  };
  const reject = (line: number, issues: Issue[]) => {
    result.rejectedRows++;
    for (const i of issues)
      if (result.rejected.length < MAX_REJECTIONS_KEPT) result.rejected.push({ line, ...i });
  };
  const index = CIVIL_EVENT_COLUMNS.map((c) => header.indexOf(c));
  const byPerson = new Map<string, Line[]>();
  for (const { fields, line } of records) {
    const cells: Cells = {};
    CIVIL_EVENT_COLUMNS.forEach((c, i) => {
      const v = index[i]! < 0 ? undefined : fields[index[i]!]?.trim();
      if (v) cells[c] = v;
    });
    const read = readLine(line, cells);
    if (Array.isArray(read)) reject(line, read);
    else byPerson.set(read.who, [...(byPerson.get(read.who) ?? []), read]);
  }
  await mapInFlight([...byPerson.values()], IN_FLIGHT, async (lines) => {
    for (const l of lines) {
      try {
        const out = await l.apply({ ...ctx, requestId: `${ctx.requestId}:${l.line}` });
        result.applied[l.event]++;
        if (out.overpaid) result.overpaid.push(out.overpaid);
      } catch (error) {
        if (error instanceof ValidationError)
          reject(
            l.line,
            error.issues.map((i) => ({ field: i.path === 'birthDate' ? 'date' : i.path, reason: i.message })),
          );
        else if (error instanceof DomainError && error.status === 409 && l.already(error.details))
          result.unchanged++;
        else if (error instanceof DomainError && error.status < 500)
          reject(l.line, [
            {
              field: String(error.details.field ?? (l.event === 'BIRTH' ? 'motherNik' : 'nik')),
              reason: error.message,
            },
          ]);
        else throw error;
      }
    }
    return [];
  });
  result.rejected.sort((a, b) => a.line - b.line);
  result.overpaid.sort((a, b) => a.nik.localeCompare(b.nik));
  return result;
}
