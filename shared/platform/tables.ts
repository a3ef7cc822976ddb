// The one set of DynamoDB table definitions: CDK builds the tables from it and local mode creates them
// from it, so the two cannot drift. Keys are designed from the access patterns listed beside each table.
export interface KeyDef {
  name: string;
  type: 'S' | 'N';
}
export interface IndexDef {
  name: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
}
export interface TableDef {
  /** Environment variable that carries the deployed table name into a function. */
  envVar: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  indexes: IndexDef[];
  /** Attribute holding an epoch-seconds expiry; only on data meant to expire. */
  ttlAttribute?: string;
}

const S = (name: string): KeyDef => ({ name, type: 'S' });

export const TABLES = {
  /**
   * registry — residents, their coverage timeline, RTs and the aggregates kept as coverage changes.
   *  resident by NIK (coverage check, one GetItem) ... pk RES#<nik>            sk PROFILE
   *  coverage history of a resident (Query) ........... pk RES#<nik>            sk COV#<validFrom>#v<version>
   *  residents of an RT, by name (Query gsi1) ......... gsi1pk RT#<rt>          gsi1sk <name>#<nik>
   *  RT directory, all or by kelurahan (Query) ........ pk RT                   sk <rt code>
   *  UHC counts per kelurahan, by area prefix (Query) . pk AGG#UHC              sk <kelurahan code 15.71.01.1012>
   *  city-paid premium deltas by month (Query sk <= m)  pk AGG#PBI_APBD         sk <YYYY-MM>
   *  import job and its chunk markers ................. pk IMPORT#<jobId>      sk JOB | CHUNK#<n> (TTL)
   */
  registry: {
    envVar: 'TABLE_REGISTRY',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [{ name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') }],
    ttlAttribute: 'expiresAt',
  },
  /**
   * audit — who did what, when and why, for every state change.
   *  trail of one entity, oldest first (Query) ........ pk <entity>#<id>        sk <iso time>#<request id>
   *  everything one actor did (Query gsi1) ............ gsi1pk ACTOR#<sub>      gsi1sk <iso time>
   */
  audit: {
    envVar: 'TABLE_AUDIT',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [{ name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') }],
  },
  /**
   * idempotency — Powertools' idempotency layout: one record per (function, Idempotency-Key, caller),
   * holding the first reply for replays; expires by TTL.
   *  record by key (GetItem / conditional Put) ........ id <function>#<hash>
   */
  idempotency: {
    envVar: 'TABLE_IDEMPOTENCY',
    partitionKey: S('id'),
    indexes: [],
    ttlAttribute: 'expiration',
  },
} satisfies Record<string, TableDef>;

export type TableName = keyof typeof TABLES;

/** The deployed name of a table: from the function's environment, else the logical name (local mode). */
export function tableName(table: TableName): string {
  return process.env[TABLES[table].envVar] ?? `sehatkota-${table}`;
}
