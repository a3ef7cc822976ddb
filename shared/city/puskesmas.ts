// The city's puskesmas and the kelurahan each serves: city master data, entered through the API (no maintained list
// of puskesmas exists to load from). Each kelurahan of the city is served by one puskesmas, held by a claim item
// written with a condition, so two puskesmas can never both claim it; a PUT moves a kelurahan from one to another.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { locationSchema } from '#shared/incident/schemas.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { cancellationReasons, ddb, queryAll, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { line, text } from '#shared/registry/fields.ts';
import { phoneSchema } from '#shared/registry/schemas.ts';
import { kelurahanName, placeOf } from './regions.ts';

const T = () => tableName('registry');
export const PKM_PK = 'PKM';
export const puskesmasKey = (code: string) => ({ pk: PKM_PK, sk: code });
export const kelurahanClaimKey = (kelurahan: string) => ({ pk: 'PKMKEL', sk: kelurahan });

export const puskesmasCodeSchema = text().check(
  z.regex(/^[A-Za-z0-9.-]{2,40}$/, 'must be a puskesmas code of 2 to 40 letters, digits, dots or hyphens'),
);

const kelurahanCode = text().check(
  z.superRefine((value, ctx) => {
    if (!placeOf(value)) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: 'must be a kelurahan code of the city such as 15.71.01.1012 (GET /regions lists them)',
      });
    }
  }),
);

/** At most this many kelurahan per puskesmas: a claim each, in one transaction. */
export const MAX_KELURAHAN = 40;

const kelurahanList = (min: number) =>
  z.array(kelurahanCode, { error: 'must be a list of kelurahan codes' }).check(
    z.minLength(min, 'must name at least one kelurahan'),
    z.maxLength(MAX_KELURAHAN, `must name at most ${MAX_KELURAHAN} kelurahan`),
    z.refine((codes) => new Set(codes).size === codes.length, 'names a kelurahan twice'),
  );

const fields = {
  name: line().check(
    z.trim(),
    z.minLength(3, 'must be at least 3 characters'),
    z.maxLength(80, 'must be at most 80 characters'),
  ),
  phone: z.optional(phoneSchema),
  location: z.optional(locationSchema),
};

export const newPuskesmasSchema = z.object({
  code: puskesmasCodeSchema,
  kelurahan: kelurahanList(1),
  ...fields,
});
export type NewPuskesmas = z.infer<typeof newPuskesmasSchema>;
/** A change: an empty list leaves the puskesmas registered (its staff accounts name it) but serving no kelurahan. */
export const puskesmasChangeSchema = z.object({ kelurahan: kelurahanList(0), ...fields });
export type PuskesmasChange = z.infer<typeof puskesmasChangeSchema>;

export interface Puskesmas {
  code: string;
  name: string;
  kelurahan: string[];
  phone?: string;
  location?: { lat: number; lon: number };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PuskesmasContext {
  actor: { sub: string; roles: string[] };
  requestId: string;
  now: string;
}

/** As the API shows it: each kelurahan with its name (idn-area-data). */
export function puskesmasView(p: Puskesmas) {
  return {
    code: p.code,
    name: p.name,
    kelurahan: p.kelurahan.map((code) => ({ code, name: kelurahanName(code) ?? null })),
    phone: p.phone ?? null,
    location: p.location ?? null,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

const fromItem = (item: Record<string, unknown>): Puskesmas => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as Puskesmas;
};

export async function getPuskesmas(code: string, consistent = false): Promise<Puskesmas | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: puskesmasKey(code), ConsistentRead: consistent }),
  );
  return out.Item ? fromItem(out.Item) : undefined;
}

export async function listPuskesmas(): Promise<Puskesmas[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': PKM_PK },
  });
  return items.map(fromItem);
}

/** The puskesmas serving a kelurahan, or undefined where none is registered yet. */
export async function puskesmasOfKelurahan(kelurahan: string): Promise<Puskesmas | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: kelurahanClaimKey(kelurahan) }));
  const code = out.Item?.puskesmas as string | undefined;
  return code ? getPuskesmas(code) : undefined;
}

const claimPut = (kelurahan: string, code: string, from?: string): TransactItem => ({
  Put: {
    TableName: T(),
    Item: { ...kelurahanClaimKey(kelurahan), puskesmas: code },
    ConditionExpression: from ? 'puskesmas = :from' : 'attribute_not_exists(pk)',
    ...(from ? { ExpressionAttributeValues: { ':from': from } } : {}),
  },
});

const itemPut = (p: Puskesmas, previousVersion?: number): TransactItem => ({
  Put: {
    TableName: T(),
    Item: { ...puskesmasKey(p.code), ...p },
    ConditionExpression: previousVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
    ...(previousVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': previousVersion } }),
  },
});

async function claimedBy(kelurahan: string): Promise<string | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: kelurahanClaimKey(kelurahan), ConsistentRead: true }),
  );
  return out.Item?.puskesmas as string | undefined;
}

/** POST /puskesmas: a new puskesmas and its kelurahan; a code taken, or a kelurahan another serves → 409. */
export async function createPuskesmas(input: NewPuskesmas, ctx: PuskesmasContext): Promise<Puskesmas> {
  const p: Puskesmas = {
    code: input.code,
    name: input.name,
    kelurahan: input.kelurahan,
    ...(input.phone ? { phone: input.phone } : {}),
    ...(input.location ? { location: input.location } : {}),
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  try {
    await transact([
      itemPut(p),
      ...p.kelurahan.map((k) => claimPut(k, p.code)),
      auditPut({
        entity: `PKM#${p.code}`,
        action: 'PUSKESMAS_CREATED',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        after: { name: p.name, kelurahan: p.kelurahan },
      }),
    ]);
    return p;
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (!reasons) throw error;
    if (reasons[0] === 'ConditionalCheckFailed') {
      throw new Conflict(`A puskesmas with code ${p.code} exists; change it with PUT /puskesmas/${p.code}`, {
        code: p.code,
      });
    }
    const at = reasons.findIndex((r, i) => i > 0 && r === 'ConditionalCheckFailed');
    const kelurahan = p.kelurahan[at - 1];
    if (kelurahan) {
      const holder = await claimedBy(kelurahan);
      throw new Conflict(
        `Kelurahan ${kelurahan} (${kelurahanName(kelurahan)}) is served by puskesmas ${holder}; move it with PUT /puskesmas/${p.code}`,
        { kelurahan, puskesmas: holder ?? null },
      );
    }
    throw error;
  }
}

/**
 * PUT /puskesmas/{code}: its name, phone, place and kelurahan as given. A kelurahan another puskesmas served moves to
 * this one (taken off the other's list in the same transaction); one this no longer names is left unserved.
 */
export async function changePuskesmas(
  code: string,
  change: PuskesmasChange,
  ctx: PuskesmasContext,
): Promise<{ puskesmas: Puskesmas; moved: { kelurahan: string; from: string }[] }> {
  for (let attempt = 1; ; attempt++) {
    const before = await getPuskesmas(code, true);
    if (!before) throw new NotFound(`No puskesmas with code ${code}; register it with POST /puskesmas`);
    const after: Puskesmas = {
      code,
      name: change.name,
      kelurahan: change.kelurahan,
      ...(change.phone ? { phone: change.phone } : {}),
      ...(change.location ? { location: change.location } : {}),
      version: before.version + 1,
      createdAt: before.createdAt,
      updatedAt: ctx.now,
    };
    const added = after.kelurahan.filter((k) => !before.kelurahan.includes(k));
    const removed = before.kelurahan.filter((k) => !after.kelurahan.includes(k));
    const holders = await Promise.all(added.map(async (k) => ({ kelurahan: k, from: await claimedBy(k) })));
    const moved = holders.filter(
      (h): h is { kelurahan: string; from: string } => !!h.from && h.from !== code,
    );
    const others = new Map<string, Puskesmas>();
    for (const from of new Set(moved.map((m) => m.from))) {
      const other = await getPuskesmas(from, true);
      if (other) others.set(from, other);
    }
    const items: TransactItem[] = [
      itemPut(after, before.version),
      ...holders.map((h) => claimPut(h.kelurahan, code, h.from && h.from !== code ? h.from : undefined)),
      ...removed.map(
        (k): TransactItem => ({
          Delete: {
            TableName: T(),
            Key: kelurahanClaimKey(k),
            ConditionExpression: 'puskesmas = :me',
            ExpressionAttributeValues: { ':me': code },
          },
        }),
      ),
      ...[...others.values()].map((o) =>
        itemPut(
          {
            ...o,
            kelurahan: o.kelurahan.filter((k) => !added.includes(k)),
            version: o.version + 1,
            updatedAt: ctx.now,
          },
          o.version,
        ),
      ),
      auditPut({
        entity: `PKM#${code}`,
        action: 'PUSKESMAS_CHANGED',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        before: { name: before.name, kelurahan: before.kelurahan, phone: before.phone ?? null },
        after: { name: after.name, kelurahan: after.kelurahan, phone: after.phone ?? null },
      }),
    ];
    try {
      await transact(items);
      return { puskesmas: after, moved };
    } catch (error) {
      // Changed by someone else since it was read: read again.
      if (attempt < 4 && cancellationReasons(error)?.includes('ConditionalCheckFailed')) continue;
      throw error;
    }
  }
}
