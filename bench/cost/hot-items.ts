// The DynamoDB items many writers touch: items whose key holds no resident's NIK and no incident, letter or entry id,
// so the operations of different people write the same item. Found by reading the code (every UpdateExpression with
// ADD or if_not_exists, every conditional Put of a shared key, followed to its key builder); data only, for the bill
// model and for whoever asks what contends first as the city grows.
//
// `writes`: the writes one operation makes to this one item when it touches it at all; whether it touches it depends
// on the data, which `note` says (a coverage change that does not move the UHC counts writes no UHC item). A move
// between RTs writes two RT items, one write each. Imports are per row: their aggregates are summed in memory and
// written once per chunk (shared/registry/batch.ts Tally + applyOnce), so a row costs at most 1/500 of a write of each
// aggregate item (less when the chunk's 500 rows spread over many kelurahan, months or RTs).
//
// Every `transactional` item is written by shared/platform/dynamo.ts transact(): a TransactionConflict on it cancels the
// whole transaction (the letter, the coverage change…), which is retried with jitter 6 times by default (30 for a fund
// entry) and then fails the request.

/** The operations of a city's usage profile that write shared items (names fixed: the bill model uses them). */
export type Operation =
  | 'letter' // an RT chair's attestation (POST /attestations)
  | 'letterDecision' // a verifier approves/rejects
  | 'coverageChange' // PUT /residents/{nik}/coverage or an import row that changes coverage
  | 'importRow' // a new resident row in the residents' import (per row; say if writes are per 500-row chunk)
  | 'civilEvent' // a death/move/birth line
  | 'expense' // an RT fund expense (POST /funds/{rt}/{year}/expenses)
  | 'allocation'
  | 'incident' // a 112 report through dispatch, ack and close
  | 'reminderSms' // one reminder SMS queued and sent
  | 'transactionalSms' // a coverage/letter SMS
  | 'homecareRequest'
  | 'kaderActivity'
  | 'clinicCheck'; // GET /coverage (reads only: include only if it writes something shared)

export interface HotItem {
  id: string; // short name, e.g. 'uhc-kelurahan'
  what: string; // one line, plain English
  key: string; // the key pattern as the code builds it, e.g. 'pk=UHC#<kelurahan> sk=…' (table name too)
  code: string; // file:function that writes it
  scope: 'city' | 'kecamatan' | 'kelurahan' | 'rw' | 'rt' | 'account' | 'unit' | 'puskesmas' | 'global';
  // how many copies share the load: one per city, per kelurahan, per RT…
  period?: 'day' | 'month' | 'year'; // when the key changes with time (a new item each day/month)
  writes: Partial<Record<Operation, number>>; // writes to THIS item per operation (per row for importRow)
  transactional: boolean; // written inside TransactWriteItems with other items (so conflicts cancel the whole txn)
  conditional?: string; // the condition guarding it, if any (e.g. 'daily limit', 'balance never below 0')
  note?: string; // batching already done (e.g. the import's per-chunk aggregate transaction), caveats
  /** Items the writes are spread over by design (write sharding): each takes 1/shards of them. */
  shards?: number;
}

/** A row's share of one per-chunk aggregate write: CHUNK_ROWS (import.ts) and CHUNK_LINES (civil-events.ts) are 500. */
const PER_CHUNK_ROW = 1 / 500;
/** A direct residents' import takes up to 10,000 rows: the lock's two writes per import, per row of such a file. */
const PER_ROW_OF_FULL_IMPORT = 1 / 10_000;

export const HOT_ITEMS: readonly HotItem[] = [
  // ---------------------------------------------------------------------------------------------- registry table
  {
    id: 'uhc-kelurahan',
    what: "A kelurahan's UHC counts (residents, covered, active), moved in the same transaction as every change",
    key: 'registry: pk=AGG#UHC sk=<kelurahan code, e.g. 15.71.01.1012>',
    code: 'shared/registry/repository.ts:uhcUpdate (from planCoverageChange, createResident; batch.ts transactItem and Tally.items)',
    scope: 'kelurahan',
    writes: {
      letter: 1,
      letterDecision: 1,
      coverageChange: 1,
      importRow: PER_CHUNK_ROW,
      civilEvent: PER_CHUNK_ROW,
    },
    transactional: true,
    note:
      'Every kelurahan of the city is a sort key under the ONE partition key AGG#UHC, so the partition takes the whole ' +
      "city's UHC writes. letterDecision: only a rejection that closes the period the letter opened (active -1); " +
      'coverageChange: only when enrolled or active flips (PBI_APBD ACTIVE -> PBPU ACTIVE writes nothing). ' +
      'Imports and Dukcapil feeds: one ADD per kelurahan per 500-row chunk (applyOnce, in a transaction of up to 98 ' +
      'aggregates plus the chunk marker; CHUNKS_IN_FLIGHT = 8 such transactions at once). A single POST ' +
      '/residents/{nik}/death, /move (out) or /births (with a NIK) writes it once; a move between kelurahan writes two ' +
      'kelurahan items once each; PUT /births/{id}/nik and POST /residents write it once too.',
  },
  {
    id: 'premium-pbi-apbd-month',
    what: "The city's PBI APBD premium count delta for a month (count(M) = sum of deltas up to M)",
    key: 'registry: pk=AGG#PBI_APBD sk=<YYYY-MM>',
    code: 'shared/registry/repository.ts:premiumUpdate (from planCoverageChange; batch.ts transactItem and Tally.items)',
    scope: 'city',
    period: 'month',
    writes: {
      letter: 1,
      letterDecision: 1,
      coverageChange: 1,
      importRow: PER_CHUNK_ROW,
      civilEvent: PER_CHUNK_ROW,
    },
    transactional: true,
    note:
      'One item for the whole city per month, and every month under the one partition key AGG#PBI_APBD. A letter always ' +
      'writes it (+1 on the issue month: a letter refuses active coverage, so it always makes the resident city-paid); ' +
      'a rejection writes -1 on the month after; a coverage change only when city-paid flips (+1 this month, or the ' +
      'month of a back-dated `from`; -1 next month). Deaths and moves out of a city-paid resident write the month after ' +
      'the event (perhaps a past month); a birth to a PBI APBD mother writes the month of birth. Imports and feeds: ' +
      'one ADD per month per 500-row chunk, all 8 chunks in flight meeting on the current month.',
  },
  {
    id: 'premium-bpjstk-bpu-month',
    what: "The city's BPJS Ketenagakerjaan (BPU) premium count delta for a month: kader and RT activity workers",
    key: 'registry: pk=AGG#BPJSTK_BPU sk=<YYYY-MM>',
    code: 'shared/registry/employment-cover.ts:employmentPremiumUpdate (from openEmploymentCoverItems, endEmploymentCoverItems)',
    scope: 'city',
    period: 'month',
    writes: { civilEvent: 1 },
    transactional: true,
    note:
      'civilEvent: only a death or a move out of the city of someone with open employment cover (kader leaving.ts ' +
      'leavingItems: in the route transaction; a Dukcapil feed ends them after its chunks in a transaction per person, ' +
      'not chunked, 8 at once). Its other writers are not in the usage profile: POST /residents/{nik}/employment-cover ' +
      '(+1 on the month of `from`) and /end (-1 the month after), POST /kader (+1) and kader retirement (-1). ' +
      'employment-cover.ts changeCover retries a TransactionConflict 8 times (each transact() 6 times).',
  },
  {
    id: 'rt-residents',
    what: "An RT's directory entry, whose `residents` count moves with every registration, birth and move",
    key: 'registry: pk=RT sk=<rt code, e.g. 1571011001-001-001>',
    code: 'shared/city/rts.ts:rtResidentsUpdate (from createResident, planCoverageChange {register}, batch.ts transactItem and Tally.items)',
    scope: 'rt',
    writes: { letter: 1, importRow: PER_CHUNK_ROW, civilEvent: PER_CHUNK_ROW },
    transactional: true,
    conditional:
      'counting in from a route: attribute_exists(pk) AND status ACTIVE (the RT is in the directory and open); ' +
      'counting out, and every import/feed tally: attribute_exists(pk)',
    note:
      'Every RT of the city is a sort key under the ONE partition key RT (the directory itself). letter: only when ' +
      'the letter registers a new resident. importRow: a new row, or a row that changes RT (-1 old, +1 new), one ADD ' +
      'per RT per chunk. civilEvent: a birth with a NIK (+1) or a move within the city (-1 old RT, +1 new RT); a death ' +
      'or a move out of the city leaves the count as it is. Routes write 1: POST /residents, POST /residents/{nik}/move ' +
      '(one write to each of two RTs), POST /births with a NIK, PUT /births/{id}/nik.',
  },
  {
    id: 'import-lock',
    what: 'The one-import-at-a-time lease, shared by the residents import and the Dukcapil civil-events import',
    key: 'registry: pk=IMPORT#LOCK sk=LOCK',
    code: 'shared/registry/import-jobs.ts:acquireImportLock, releaseImportLock',
    scope: 'global',
    writes: { importRow: 2 * PER_ROW_OF_FULL_IMPORT, civilEvent: 2 * PER_ROW_OF_FULL_IMPORT },
    transactional: false,
    conditional: 'acquire: attribute_not_exists(pk) OR leaseUntil < now; release: jobId = :id',
    note:
      'Two writes per import (the Put, then the Delete), i.e. 2/rows per row: given here for a full 10,000-row direct ' +
      'import or feed; an upload of 11 million rows makes it negligible. A waiting upload job retries the Put every 2 s ' +
      'for up to 10 minutes (a direct import does not wait: 409). One item for the deployment, whatever the city size.',
  },
  // ----------------------------------------------------------------------------------------- attestations table
  {
    id: 'rt-letter-daily-limit',
    what: "An RT's letters issued today, all its chairs' accounts together: the daily limit",
    key: 'attestations: pk=LIMIT#RT#<rt code> sk=<YYYY-MM-DD WIB> (expiresAt: 3 days)',
    code: 'shared/attestation/issue.ts:issueAttestation',
    scope: 'rt',
    period: 'day',
    writes: { letter: 1 },
    transactional: true,
    conditional:
      'daily limit: attribute_not_exists(issued) OR issued < ATTESTATION_DAILY_LIMIT (default 20) -> 429',
    note:
      'tables.ts documents the limit as LIMIT#<sub>; the code keys the limit by RT (LIMIT#RT#<rt>) and keeps the ' +
      "account's own count beside it (rt-letter-account-daily).",
  },
  {
    id: 'rt-letter-account-daily',
    what: "One chair account's letters today (kept for the audit; no limit on it)",
    key: 'attestations: pk=LIMIT#<cognito sub> sk=<YYYY-MM-DD WIB> (expiresAt: 3 days)',
    code: 'shared/attestation/issue.ts:issueAttestation',
    scope: 'account',
    period: 'day',
    writes: { letter: 1 },
    transactional: true,
  },
  {
    id: 'rt-letter-month-counts',
    what: "An RT's letters of a WIB month and where their review stands (issued, pending, approved, rejected)",
    key: 'attestations: pk=COUNT#<YYYY-MM> sk=<rt code>',
    code: 'shared/attestation/repository.ts:countUpdate (from issue.ts issueAttestation, decide.ts decideAttestation)',
    scope: 'rt',
    period: 'month',
    writes: { letter: 1, letterDecision: 1 },
    transactional: true,
    note:
      "A decision writes the item of the letter's issue month (pending -1, approved or rejected +1), not of the " +
      "decision's. All RTs of a month share the one partition key COUNT#<YYYY-MM>.",
  },
  // ---------------------------------------------------------------------------------------------- funds table
  {
    id: 'rt-fund-account',
    what: "An RT's fund account for a year: running totals and the balance the balance rule guards",
    key: 'funds: pk=FUND#<rt code>#<year> sk=ACCOUNT',
    code: 'shared/fund/ledger.ts:accountUpdate (from writeEntry: allocate, recordExpense, reverseEntry)',
    scope: 'rt',
    period: 'year',
    writes: { expense: 1, allocation: 1 },
    transactional: true,
    conditional:
      'debit (expense, reversal of an allocation): balance >= :amount (else 422); the tier allocation: ' +
      'attribute_not_exists(tierAllocatedAt) (else 409); a credit with an amount: none',
    note:
      'writeEntry retries conflicts 30 times (CONFLICT_ATTEMPTS). A reversal writes it once too. Every update re-SETs ' +
      "gsi1pk=FUNDS#<year>, so each entry also writes the index partition FUNDS#<year> shared by the city's RTs; " +
      'POST /funds/{year}/allocations allocates every RT of an area 16 at a time (distinct accounts).',
  },
  // ------------------------------------------------------------------------------------------- incidents table
  {
    id: 'incident-number',
    what: "The year's 112 incident number sequence (112-<year>-000123)",
    key: 'incidents: pk=COUNTER sk=112#<year>',
    code: 'shared/incident/repository.ts:nextNumber (from report.ts reportIncident)',
    scope: 'city',
    period: 'year',
    writes: { incident: 1 },
    transactional: false,
    note:
      'UpdateItem ADD n :one, ReturnValues UPDATED_NEW, taken in parallel with the reads of every POST /incidents: a ' +
      'report linked to an open incident or replayed by its Idempotency-Key takes (and skips) a number too.',
  },
  {
    id: 'incident-unit',
    what: "A 112 unit's status and assignment (taken by a dispatch, freed when the incident closes)",
    key: 'incidents: pk=UNITS sk=<unitId>',
    code:
      'shared/incident/dispatch.ts:planDispatch (via takeNearest); lifecycle.ts:changeStatus (RESOLVED/CANCELLED), ' +
      'missAcknowledgement; units.ts:setUnitStatus, createUnit',
    scope: 'unit',
    writes: { incident: 2 },
    transactional: true,
    conditional:
      'dispatch: #s = AVAILABLE AND attribute_not_exists(assignment) (a lost race tries the next nearest, 5 at most); ' +
      'close: assignment.incidentId = :id; missed window: assignment.incidentId = :id AND assignment.n = :n',
    note:
      'incident = the dispatch that takes it + the close that frees it (acknowledging writes only the INC#<id> ' +
      'partition). Each missed acknowledgement adds 1 (OFFLINE) and a redispatch writes another unit. The crew or an ' +
      'operator writes it on PUT /units/{id}/status (position too). All units share the partition key UNITS; available ' +
      'ones also sit in the index partition AVAIL#<kind>.',
  },
  // ------------------------------------------------------------------------------------------- reminders table
  {
    id: 'sms-day-counters',
    what: "The reminders' sending counters of a job day (sent, delivered, failed, parts, cost, optedOut, overBudget)",
    key: 'reminders: pk=DAYS sk=<YYYY-MM-DD>#SEND#<shard 0-9>',
    code: 'shared/reminder/keys.ts:dayCounts (from sender.ts recordSent and settle; delivery.ts settle via recordDelivery)',
    shards: 10,
    scope: 'city',
    period: 'day',
    writes: { reminderSms: 2 },
    transactional: true,
    note:
      'Two transactions per reminder, each with the fire item: recordSent (sent, parts, cost, plus the MSG# Put) and ' +
      'the delivery report (delivered or failed); an opt-out, over-budget or final failure writes it once instead. The ' +
      "date is the job's (SmsJob.date), not the day of sending. Writers at once: the sender's instances " +
      '(SMS_SENDER_CONCURRENCY, batches of 10 in parallel, at most SMS_RATE_PER_SECOND sends a second) and the ' +
      'delivery-status function (16 reports at once per invocation). A recordSent that loses 6 conflicts is given up ' +
      '(the SMS is out): the fire stays SENDING and its delivery report is then ignored. Hence the ten shards (by the ' +
      "fire's id, keys.ts daySendShard): each takes a tenth of the writes; the stats sum them.",
  },
  {
    id: 'sms-month-budget',
    what: "The month's SMS spend against SMS_MONTHLY_BUDGET_USD (reminders only)",
    key: 'reminders: pk=BUDGET sk=<YYYY-MM WIB>',
    code: 'shared/reminder/sender.ts:reserveBudget, refundBudget',
    scope: 'city',
    period: 'month',
    writes: { reminderSms: 1 },
    transactional: false,
    conditional: 'attribute_not_exists(costMicroUsd) OR costMicroUsd <= budget - cost (over it: dead-letter)',
    note:
      'One UpdateItem (ADD costMicroUsd, parts) per reminder before it is sent; a failed publish adds a second write ' +
      '(the refund). The first refusal of a month also Puts BUDGET/<YYYY-MM>#ALARM once. Transactional SMS (coverage, ' +
      'letter, homecare, 112 alerts) are neither reserved here nor rate-limited by the sender.',
  },
  // -------------------------------------------------------------------------------------- registry table: kader
  {
    id: 'kader-month-count',
    what: "A kader's activities of a month: the count the monthly incentive is decided by",
    key: 'registry: pk=KADER#<kader NIK> sk=M#<YYYY-MM>',
    code: 'shared/kader/activities.ts:recordActivity',
    scope: 'account',
    period: 'month',
    writes: { kaderActivity: 1 },
    transactional: true,
    note:
      "Keyed by the kader's NIK, so shared only by who records for that kader (the kader's phone, a clinic, the city): " +
      "listed because it is a counter, not because it contends. The month is the activity date's (this month or the " +
      'previous one).',
  },
];

/*
 * Looked at and NOT hot (one writer, or a key per person, entity or request), so the search above is complete:
 *
 * - Idempotency records (idempotency: id=<operation>#<sha256(caller, key)>): one per request key, Put with the change.
 * - Once-only SMS markers (idempotency: id=sms#<event>#<subject>, shared/platform/once.ts claimOnce): one per letter,
 *   visit, trip, kader month… The transactionalSms operation writes only such a marker (the letter's SMS,
 *   notify-attestation-issued/-rejected) or nothing at all (notify-coverage-changed sends without any item).
 * - Rate limiters (shared/platform/rate-limit.ts): in memory per Lambda instance (the SMS limiter is
 *   SMS_RATE_PER_SECOND / SMS_SENDER_CONCURRENCY per instance); no DynamoDB item. The API's limits are API Gateway route
 *   throttles (shared/platform/routes.ts), not items.
 * - clinicCheck: GET /coverage/{nik} is one consistent GetItem (getCurrentCoverage); the FHIR routes only read.
 *   POST /residents/{nik}/checks writes the resident's own lastCheckDate (checks.ts recordCheck).
 * - homecareRequest: per request (HC#<id>: REQ, V#, TRIP#, T#), OPEN#<nik>/<need>, SLOT#<unitId>/<slot start> (one trip
 *   per unit and slot): no counters; visitsDone and trips are fields of the request item.
 * - Resident items RES#<nik> (PROFILE, COV#…, EMP, EMP#…, BIRTH#<date>#<order>), BIRTH#<id>, DEATH_REPORTS/<nik> (one
 *   partition, an item per resident), KADER#<nik> PROFILE and H#…, A#… activities.
 * - IMPORT#<jobId> JOB and its chunk markers CHUNK#<n>#<part> / CIVIL#<n>#<part>: one per job and chunk.
 * - RECON#<month>/<id> and RECON#<id>/… (BPJS invoice reconciliations), PKM/<code>, PKMKEL/<kelurahan>, staff records,
 *   RT directory edits (POST/PUT /rts, POST /rts/import): the city's own rare admin writes.
 * - INCENTIVE#<YYYY-MM>/RUN (kader incentives): claimed once per month by the run, ADD reversed once per reversal.
 * - Attestations ATT#<id>, CODE#<hash>; REMINDER#attestation-review/<day>: one conditional Put a day by the job.
 * - Reminders: FIRE#<nik>/…, MSG#<messageId>, INBOUND#<id>, OPTOUT/<E.164> (one partition, an item per number),
 *   CAMPAIGN#<id>; DAYS/<date>#RUN: the daily job's result, one UpdateItem (ADD runs) per run, a single writer.
 * - Incidents: INC#<id> (incident, ASG#, T#, A# alerts and their delivery state), ACK#<token>, CALLER#<sha256(phone)>.
 * - Fund entries FUND#<rt>#<year> E#<entryId>, REV#<entryId>; audit records <entity>/<time>#<request id>.
 *
 * Not items, but partitions many writers share (a throttled index throttles its table's writes):
 * - Partition keys holding hot items side by side: AGG#UHC (every kelurahan), AGG#PBI_APBD and AGG#BPJSTK_BPU (every
 *   month), RT (every RT), COUNT#<YYYY-MM> (every RT), UNITS, DAYS, BUDGET.
 * - Index partitions: funds gsi1 FUNDS#<year> (every fund entry); attestations gsi1 ST#<status> (every letter and
 *   decision); incidents gsi1 OPEN (every write of an open incident), gsi2 MONTH#<YYYY-MM>, AVAIL#<kind>; homecare
 *   gsi2 ST#<status>, gsi4 M#<YYYY-MM>; registry gsi1 KADERS (every kader write), gsi3 APBD#<last NIK digit> (ten
 *   shards by design), gsi2 BD#<MM-DD>; audit gsi1 ACTOR#<sub>: a Dukcapil feed writes every applied line's audit
 *   record under the one admin who ran it (BatchWriteItem, 8 chunks at once), as the RT import does per RT.
 */
