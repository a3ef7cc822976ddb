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
  /** Only these attributes beside the keys are copied into the index (default: all). */
  include?: string[];
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
   *  residents by birthday, then birth date (gsi2) .... gsi2pk BD#<MM-DD>       gsi2sk <YYYY-MM-DD>#<nik>
   *    (the reminders' selection: a birthday's residents of some ages, or those born on one date, never a scan)
   *  RT directory, all or by kelurahan (Query) ........ pk RT                   sk <rt code>
   *  UHC counts per kelurahan, by area prefix (Query) . pk AGG#UHC              sk <kelurahan code 15.71.01.1012>
   *  city-paid premium deltas by month (Query sk <= m)  pk AGG#PBI_APBD         sk <YYYY-MM>
   *  city-paid coverage periods (gsi3, sparse) ....... gsi3pk APBD#<last NIK digit>  gsi3sk <validFrom>#<nik>
   *    (who the city pays for in a month: the BPJS invoice is checked against it, never a scan of residents)
   *  employment cover (BPJS TK BPU) state (GetItem) .. pk RES#<nik>            sk EMP
   *  its periods, by start (Query) ................... pk RES#<nik>            sk EMP#<validFrom>#v<version>
   *  BPJS TK BPU premium deltas by month (Query) ..... pk AGG#BPJSTK_BPU       sk <YYYY-MM>
   *  import job and its chunk markers ................. pk IMPORT#<jobId>      sk JOB | CHUNK#<n> (TTL)
   *  puskesmas of the city (Query) .................... pk PKM                  sk <code>
   *  the puskesmas serving a kelurahan (GetItem) ..... pk PKMKEL               sk <kelurahan code>
   *  BPJS invoice reconciliations of a month ......... pk RECON#<YYYY-MM>      sk <id>
   *    their rows, 1,000 an item ...................... pk RECON#<id>           sk EXTRA#<n> | MISSING#<n> | REJECTED#<n>
   */
  registry: {
    envVar: 'TABLE_REGISTRY',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [
      { name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') },
      { name: 'gsi2', partitionKey: S('gsi2pk'), sortKey: S('gsi2sk') },
      {
        name: 'gsi3',
        partitionKey: S('gsi3pk'),
        sortKey: S('gsi3sk'),
        include: ['validTo', 'billedThrough'],
      },
    ],
    ttlAttribute: 'expiresAt',
  },
  /**
   * attestations — the RT chairs' letters (surat keterangan) and what Dinas Sosial decided of them.
   *  attestation by id (GetItem) ...................... pk ATT#<id>              sk ATT
   *  verification by code, stored only as its hash .... pk CODE#<sha256(code)>    sk CODE
   *  by status, oldest first, e.g. pending review ..... gsi1pk ST#<status>        gsi1sk <issuedAt>#<id>
   *  one RT's attestations, newest first .............. gsi2pk RT#<rt>            gsi2sk <issuedAt>#<id>
   *  an RT's letters today (the daily limit) ......... pk LIMIT#RT#<rt>          sk <YYYY-MM-DD WIB> (TTL)
   *  an account's letters today (for the audit) ....... pk LIMIT#<sub>            sk <YYYY-MM-DD WIB> (TTL)
   *  counts per RT per WIB month (Query by month) ..... pk COUNT#<YYYY-MM>        sk <rt>
   *  one review reminder per day ...................... pk REMINDER#attestation-review  sk <YYYY-MM-DD> (TTL)
   */
  attestations: {
    envVar: 'TABLE_ATTESTATIONS',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [
      { name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') },
      { name: 'gsi2', partitionKey: S('gsi2pk'), sortKey: S('gsi2sk') },
    ],
    ttlAttribute: 'expiresAt',
  },
  /**
   * funds — each RT's yearly Kampung Bahagia fund as a ledger: one account item holding the running totals
   * (the balance rule is a condition on it) and immutable entries; a reversal is an entry of its own.
   *  an RT's account for a year (GetItem) ............. pk FUND#<rt>#<year>     sk ACCOUNT
   *  its entries, newest first (Query) ................ pk FUND#<rt>#<year>     sk E#<entryId> (time-ordered)
   *  an entry reversed once (conditional Put) ......... pk FUND#<rt>#<year>     sk REV#<entryId>
   *  every RT's account in a year, by area (Query gsi1) gsi1pk FUNDS#<year>      gsi1sk <rt code>
   */
  funds: {
    envVar: 'TABLE_FUNDS',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [{ name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') }],
  },
  /**
   * incidents — the 112 call centre: units, incidents, each unit's assignment to an incident (its own status,
   * apart from the incident's), the incident's timeline, and the acknowledgement links sent to responders.
   *  every unit (Query; a city has hundreds at most) .. pk UNITS                sk <unitId>
   *  available units of a kind (Query gsi1, sparse) ... gsi1pk AVAIL#<kind>      gsi1sk <unitId>
   *  an incident, its assignments and timeline (Query)  pk INC#<id>             sk INC | ASG#<nn> | T#<iso>#<seq>
   *  open incidents, oldest first (Query gsi1, sparse)  gsi1pk OPEN             gsi1sk <reportedAt>#<id>
   *  incidents reported in a WIB month (Query gsi2) ... gsi2pk MONTH#<YYYY-MM>  gsi2sk <reportedAt>#<id>
   *  a caller's recent reports (Query, consistent) .... pk CALLER#<sha256(phone)> sk <reportedAt>#<id> (TTL)
   *  an acknowledgement link (GetItem) ................ pk ACK#<token>          sk ACK (TTL)
   *  the yearly incident number (UpdateItem ADD) ...... pk COUNTER              sk 112#<year>
   */
  incidents: {
    envVar: 'TABLE_INCIDENTS',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [
      { name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') },
      { name: 'gsi2', partitionKey: S('gsi2pk'), sortKey: S('gsi2sk') },
    ],
    ttlAttribute: 'expiresAt',
  },
  /**
   * reminders — SMS campaigns (every version kept, never edited), their fires (one per resident, campaign version,
   * offset and event date, made by a conditional put), opt-outs, the daily job's results and the sending counters.
   *  a campaign's current version (GetItem) ........... pk CAMPAIGN#<id>        sk CURRENT
   *  a campaign's versions, oldest first (Query) ...... pk CAMPAIGN#<id>        sk V#<0001>
   *  every campaign (Query gsi1, current items only) .. gsi1pk CAMPAIGNS        gsi1sk <id>
   *  one fire (conditional Put, then its state) ....... pk FIRE#<nik>           sk <campaign>#v<n>#<offset>#<eventDate> (TTL)
   *  a sent message's fire, by SNS message id ......... pk MSG#<messageId>      sk MSG (TTL)
   *  opted-out numbers (GetItem; Query for the job) ... pk OPTOUT               sk <E.164 number>
   *  an inbound SMS handled once (conditional Put) .... pk INBOUND#<inboundMessageId> sk INBOUND (TTL)
   *  a day's job result and its sending counters ..... pk DAYS                 sk <YYYY-MM-DD>#RUN | <YYYY-MM-DD>#SEND#<0-9>
   *  the month's SMS spend (conditional ADD) .......... pk BUDGET              sk <YYYY-MM>
   */
  reminders: {
    envVar: 'TABLE_REMINDERS',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [{ name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') }],
    ttlAttribute: 'expiresAt',
  },
  /**
   * homecare — the puskesmas' home visits (Layanan Homecare) and their trips (Jemput Sakit Antar Sehat).
   *  a request, its visits, trips and timeline (Query)  pk HC#<id>              sk REQ | V#<visitId> | TRIP#<tripId> | T#<iso>#<seq>
   *  one open request per resident and need ........... pk OPEN#<nik>           sk <need> (conditional Put; deleted at the end)
   *  a puskesmas's requests of a status, oldest first . gsi1pk PKM#<code>#<status> gsi1sk <requestedAt>#<id>
   *  the city's requests of a status, oldest first .... gsi2pk ST#<status>       gsi2sk <requestedAt>#<id>
   *  an RT's requests, oldest first (the chair's page)  gsi3pk RT#<rt>           gsi3sk <requestedAt>#<id>
   *  a WIB month's requests, visits and trips (gsi4) .. gsi4pk M#<YYYY-MM>       gsi4sk R#<requestedAt>#<id> | V#<date>#<id> | T#<pickupAt>#<id>
   *    (the figures by month, and the daily job's visits of tomorrow: V#<date>, never a scan)
   *  an ambulance's booked slots (conditional Put) .... pk SLOT#<unitId>        sk <slot start, ISO>
   */
  homecare: {
    envVar: 'TABLE_HOMECARE',
    partitionKey: S('pk'),
    sortKey: S('sk'),
    indexes: [
      { name: 'gsi1', partitionKey: S('gsi1pk'), sortKey: S('gsi1sk') },
      { name: 'gsi2', partitionKey: S('gsi2pk'), sortKey: S('gsi2sk') },
      { name: 'gsi3', partitionKey: S('gsi3pk'), sortKey: S('gsi3sk') },
      { name: 'gsi4', partitionKey: S('gsi4pk'), sortKey: S('gsi4sk') },
    ],
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
   * idempotency — one record per (operation, caller, Idempotency-Key), written in the same transaction as
   * the change it guards, holding what a replay needs to answer the same; and once-only markers for side
   * effects (an SMS per event). Expires by TTL.
   *  record by key (GetItem / conditional Put) ........ id <operation>#<sha256(caller, key)>
   *  side effect done once ............................ id <effect>#<subject>
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
