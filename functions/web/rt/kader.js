// The kader's page (Kegiatan kader): who the kader is, this month's activities against the incentive rule and
// last month's (qualified, paid or waiting), the form that records an activity through the same offline queue as
// the chair's letters (one Idempotency-Key per activity, kept across retries), and a month's list of activities.
// The server counts and decides; this page only shows what it says.
import {
  $,
  api,
  badge,
  defineKind,
  dropItem,
  el,
  failed,
  fmtDayLong,
  fmtTime,
  issuesByField,
  kaderNik,
  kindOf,
  loadQueue,
  onQueueChange,
  rupiah,
  saveQueue,
  send,
  sending,
  showFieldErrors,
  todayWib,
} from './lib.js';

export const KIND = {
  HOME_VISIT: 'Kunjungan rumah',
  POSYANDU: 'Posyandu',
  POSBINDU: 'Posbindu',
  EDUCATION: 'Penyuluhan',
};
const LEVEL = { AWAL: 'Kader Awal', MADYA: 'Kader Madya', UTAMA: 'Kader Utama' };
const FIELDS = ['kdate', 'kkind', 'knik', 'knote'];
const PATH = { date: 'kdate', kind: 'kkind', residentNik: 'knik', note: 'knote' };
// What the server's (English) ValidationError means, per field.
const SERVER_FIELD = {
  kdate:
    'Tanggal ditolak: tidak boleh di masa depan, sebelum awal bulan lalu, atau sebelum Anda terdaftar sebagai kader.',
  kkind: 'Pilih jenis kegiatan.',
  knik: 'NIK ini tidak terdaftar sebagai warga kota. Periksa lagi 16 angka NIK-nya.',
  knote: 'Catatan ditolak: tulis 3 sampai 500 huruf.',
};
const STATE = { waiting: ['Menunggu sinyal', 'wait'], done: ['Terkirim', 'ok'], failed: ['Gagal', 'bad'] };

const monthName = new Intl.DateTimeFormat('id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' });
/** "Mei 2026" for "2026-05". */
const fmtMonth = (ym) => monthName.format(new Date(`${ym}-01T00:00:00Z`));
/** The first day of last month (WIB): the oldest day an activity may be recorded for, as the server rules. */
function oldestDay(today = todayWib()) {
  const [y, m] = today.split('-').map(Number);
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}
/** The oldest day this kader may record: last month's first day, or the day they joined the register if later. */
const firstDay = () => {
  const oldest = oldestDay();
  return kader?.since && kader.since > oldest ? kader.since : oldest;
};
const meta = (...kids) => el('div', { class: 'meta' }, ...kids);
const shown = () => !$('p-kader').hidden;

/** The kader's record as the server last answered it. */
let kader = null;
let run = 0;
let listRun = 0;
let onWho = () => undefined;

// ---------- the page

export function showKader() {
  const today = todayWib();
  const months = [today.slice(0, 7), oldestDay(today).slice(0, 7)];
  const chosen = $('kmonth').value;
  $('kmonth').replaceChildren(
    ...months.map((m, i) => el('option', { value: m }, `${fmtMonth(m)}${i ? '' : ' (bulan ini)'}`)),
  );
  if (months.includes(chosen)) $('kmonth').value = chosen;
  $('kdate').max = today;
  if (!$('kdate').value) $('kdate').value = today;
  dateBounds();
  renderQueue();
  refresh();
}

/** The record and both months' counts, then the chosen month's list. */
async function refresh() {
  const nik = kaderNik();
  if (!nik) return;
  const mine = ++run;
  if (!kader) $('k-msg').textContent = 'Memuat…';
  showList();
  try {
    const res = await api(`/kader/${nik}`);
    if (res.status === 404) throw new Error('not a kader');
    if (!res.ok) throw new Error(String(res.status));
    const data = await res.json();
    if (mine !== run) return;
    kader = data;
    renderSummary();
    $('k-msg').textContent = '';
  } catch (error) {
    if (mine !== run) return;
    $('k-msg').textContent =
      error.message === 'not a kader'
        ? 'NIK akun ini tidak ada di daftar kader kota. Hubungi puskesmas atau Dinas Kesehatan.'
        : failed(error);
  }
}

function renderSummary() {
  const k = kader;
  $('k-sum').hidden = false;
  $('k-name').textContent = k.name;
  $('k-level').textContent = LEVEL[k.level] ?? k.level;
  $('k-where').textContent = [k.posyandu, k.rt ? `RT ${k.rt.slice(15)} / RW ${k.rt.slice(11, 14)}` : '']
    .filter(Boolean)
    .join(' · ');
  const [now, last] = k.months ?? [];
  if (now) {
    $('k-now-title').textContent = `Bulan ini (${fmtMonth(now.month)})`;
    $('k-now').textContent = now.qualifies
      ? `${now.activities} dari ${now.required} kegiatan — cukup untuk insentif ${rupiah(now.incentive)}`
      : `${now.activities} dari ${now.required} kegiatan — ${now.required - now.activities} lagi untuk insentif ${rupiah(now.incentive)}`;
    $('k-now-hint').textContent = 'Insentif dibayar setelah bulan berakhir.';
  }
  if (last) {
    $('k-last-title').textContent = `Bulan lalu (${fmtMonth(last.month)})`;
    $('k-last').textContent = `${last.activities} dari ${last.required} kegiatan — ${
      last.qualifies ? 'memenuhi syarat insentif' : 'belum memenuhi syarat insentif'
    }`;
    $('k-last-pay').replaceChildren(
      last.paid
        ? badge([`Insentif ${rupiah(last.paid.amount)} sudah dibayar`, 'ok'])
        : last.qualifies
          ? badge([`Menunggu pembayaran ${rupiah(last.incentive)}`, 'wait'])
          : '',
    );
  }
  const retired = k.status === 'RETIRED';
  $('k-retired').hidden = !retired;
  $('k-retired').textContent = retired
    ? `Anda tercatat berhenti sebagai kader${k.retiredOn ? ` sejak ${fmtDayLong(k.retiredOn)}` : ''}. Kegiatan baru tidak dapat dicatat.`
    : '';
  $('kform').hidden = retired;
  dateBounds();
  onWho(k);
}

function dateBounds() {
  $('kdate').min = firstDay();
  $('kdate-hint').textContent = `Paling lama ${fmtDayLong(firstDay())}, paling baru hari ini.`;
}

// ---------- the month's list

async function showList() {
  const nik = kaderNik();
  const month = $('kmonth').value;
  if (!nik || !month) return;
  const mine = ++listRun;
  $('klist-msg').textContent = 'Memuat…';
  try {
    const res = await api(`/kader/${nik}/activities?month=${encodeURIComponent(month)}`);
    if (!res.ok) throw new Error(String(res.status));
    const page = await res.json();
    if (mine !== listRun) return;
    const items = [...page.items].sort(
      (a, b) => b.date.localeCompare(a.date) || b.recordedAt.localeCompare(a.recordedAt),
    );
    $('klist').replaceChildren(...items.map(activityItem));
    $('klist-msg').textContent = items.length
      ? `${page.activities} dari ${page.required} kegiatan di ${fmtMonth(page.month)}.`
      : `Belum ada kegiatan tercatat di ${fmtMonth(page.month)}.`;
  } catch (error) {
    if (mine !== listRun) return;
    $('klist-msg').textContent = failed(error);
  }
}

function activityItem(a) {
  return el(
    'li',
    { 'data-id': a.id },
    el(
      'div',
      { class: 'row' },
      el('strong', {}, KIND[a.kind] ?? a.kind),
      el('span', { class: 'day' }, fmtDayLong(a.date)),
    ),
    a.residentNik &&
      meta(`NIK warga ${a.residentNik}`, a.homecareRequestId ? ' · permintaan kunjungan rumah' : ''),
    el('p', { class: 'meta' }, a.note),
    meta(`Dicatat ${fmtTime(a.recordedAt)}`),
  );
}

// ---------- recording an activity

const digits = (v) => v.replace(/[\s.-]/g, '');

function readForm() {
  const body = { date: $('kdate').value, kind: $('kkind').value, note: $('knote').value.trim() };
  const nik = digits($('knik').value.trim());
  if (body.kind === 'HOME_VISIT' && nik) body.residentNik = nik;
  return body;
}

function validate(b) {
  const e = {};
  const today = todayWib();
  if (!b.date) e.kdate = 'Isi tanggal kegiatan.';
  else if (b.date > today) e.kdate = 'Tanggal kegiatan tidak boleh di masa depan.';
  else if (b.date < oldestDay(today))
    e.kdate = `Kegiatan sebelum ${fmtDayLong(oldestDay(today))} tidak dapat dicatat lagi.`;
  else if (b.date < firstDay())
    e.kdate = `Anda terdaftar sebagai kader sejak ${fmtDayLong(firstDay())}: kegiatan sebelumnya tidak dicatat.`;
  if (!b.kind) e.kkind = 'Pilih jenis kegiatan.';
  if (b.kind === 'HOME_VISIT') {
    if (!b.residentNik) e.knik = 'Isi NIK warga yang dikunjungi (16 angka).';
    else if (!/^\d{16}$/.test(b.residentNik)) e.knik = 'NIK harus tepat 16 angka, tanpa huruf.';
  }
  // Counted as the server counts: one letter typed two ways is one letter.
  const note = b.note.normalize('NFC').length;
  if (note < 3) e.knote = 'Tulis apa yang dilakukan, minimal 3 huruf.';
  else if (note > 500) e.knote = 'Catatan paling panjang 500 huruf.';
  return e;
}

const showErrors = (errors, general = '') => showFieldErrors(FIELDS, errors, 'kform-err', general);

function serverIssues(issues = []) {
  return issues.map((i) => {
    const [head, ...rest] = String(i.path ?? '').split('.');
    return PATH[head] ? { ...i, path: [PATH[head], ...rest].join('.') } : i;
  });
}

/** Why an activity was refused, in the kader's words (a 400 goes beside its field when the form is open). */
function failureText(item) {
  const e = item.error ?? {};
  if (e.error === 'ValidationError') {
    const issues = serverIssues(e.issues).map(
      (i) => SERVER_FIELD[i.path] ?? `Periksa isian ini: ${i.message}`,
    );
    return `Isian ditolak: ${issues.join(' ')}`;
  }
  if (e.error === 'IdempotencyKeyReused')
    return 'Kiriman ini bentrok dengan kiriman lain. Catat ulang kegiatannya.';
  if (item.status === 409) return 'Anda tercatat sudah berhenti sebagai kader: kegiatan tidak dapat dicatat.';
  if (item.status === 403) return 'Akun ini hanya dapat mencatat kegiatan kader pemilik akun.';
  if (item.status === 404) return 'NIK akun ini tidak ada di daftar kader kota.';
  return `Kegiatan ditolak (kode ${item.status}).`;
}

async function submit(event) {
  event.preventDefault();
  const nik = kaderNik();
  if (!nik) return;
  const body = readForm();
  const errors = validate(body);
  $('k-done').textContent = '';
  showErrors(errors);
  if (Object.keys(errors).length) return;
  const item = {
    kind: 'kader',
    key: crypto.randomUUID(),
    kader: nik,
    body,
    at: new Date().toISOString(),
    state: 'waiting',
  };
  saveQueue([item, ...loadQueue()]);
  renderQueue();
  $('ksubmit').disabled = true;
  const after = navigator.onLine ? await send(item) : item;
  $('ksubmit').disabled = false;
  if (after.state === 'failed') {
    // Answered at once: the kader is still at the form, so the answer goes there and the form keeps what was typed.
    dropItem(item.key);
    renderQueue();
    if (after.status === 400 && after.error?.issues) {
      const [fieldErrors, general] = issuesByField(FIELDS, SERVER_FIELD, serverIssues(after.error.issues));
      return showErrors(fieldErrors, general);
    }
    return showErrors({}, failureText(after));
  }
  resetForm();
  $('k-done').textContent =
    after.state === 'done'
      ? `Kegiatan tersimpan: ${KIND[body.kind]}, ${fmtDayLong(body.date)}. Bulan itu: ${after.result?.monthCount ?? '?'} kegiatan.`
      : 'Kegiatan disimpan di HP ini dan dikirim otomatis saat ada sinyal.';
}

function resetForm() {
  $('kform').reset();
  $('kdate').value = todayWib();
  showNik();
  showErrors({});
}

/** The resident's NIK belongs to a home visit only. */
function showNik() {
  const visit = $('kkind').value === 'HOME_VISIT';
  $('knik-f').hidden = !visit;
  if (!visit) {
    $('knik').value = '';
    $('knik-err').textContent = '';
    $('knik').removeAttribute('aria-invalid');
  }
}

// ---------- activities waiting on this phone

function renderQueue() {
  const nik = kaderNik();
  // What was sent is in the list below: here only what waits or was refused.
  const mine = loadQueue().filter((i) => kindOf(i) === 'kader' && i.kader === nik && i.state !== 'done');
  $('kqueue-title').hidden = mine.length === 0;
  $('kqueue').replaceChildren(
    ...mine.map((item) =>
      el(
        'li',
        { 'data-key': item.key },
        el(
          'div',
          { class: 'row' },
          el('strong', {}, KIND[item.body.kind] ?? item.body.kind),
          badge(sending.has(item.key) ? ['Mengirim…', 'wait'] : STATE[item.state]),
        ),
        meta(`${fmtDayLong(item.body.date)} · dibuat ${fmtTime(item.at)}`),
        item.state === 'waiting'
          ? meta(sending.has(item.key) ? 'Sedang mengirim…' : 'Akan dikirim otomatis saat ada sinyal.')
          : el('p', { class: 'err' }, failureText(item)),
        item.state === 'failed' &&
          el(
            'button',
            {
              type: 'button',
              class: 'small secondary',
              onclick: () => {
                dropItem(item.key);
                renderQueue();
              },
            },
            'Hapus dari daftar',
          ),
      ),
    ),
  );
}

/** What still waits on this phone, for the sign-in page: ["2 kegiatan kader"]. */
export function queuedActivities() {
  const n = loadQueue().filter((i) => kindOf(i) === 'kader' && i.state === 'waiting').length;
  return n ? [`${n} kegiatan kader`] : [];
}

/** Another account signed in on this phone: nothing of the last kader's stays on the page. */
export function forgetKader() {
  kader = null;
  run++;
  listRun++;
  $('k-sum').hidden = true;
  $('klist').replaceChildren();
  $('klist-msg').textContent = '';
  $('k-msg').textContent = '';
  $('k-done').textContent = '';
  resetForm();
}

// ---------- start

export function initKader({ onRecord }) {
  onWho = onRecord;
  defineKind('kader', {
    path: (item) => `/kader/${item.kader}/activities`,
    sent: () => shown() && refresh(),
  });
  onQueueChange(renderQueue);
  $('kkind').append(...Object.entries(KIND).map(([v, label]) => el('option', { value: v }, label)));
  $('kkind').addEventListener('change', showNik);
  $('kform').addEventListener('submit', submit);
  $('kform').addEventListener('input', (e) => {
    if (!FIELDS.includes(e.target.id)) return;
    $(`${e.target.id}-err`).textContent = '';
    e.target.removeAttribute('aria-invalid');
  });
  $('kmonth').addEventListener('change', showList);
  addEventListener('online', () => shown() && refresh());
}
