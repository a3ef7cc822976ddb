// The RT chair's form (no framework): sign-in (local chair picker or Cognito with PKCE), the hash-routed pages
// and start-up. The letter pages live here; the fund page in fund.js, home visits in homecare.js; the kader's page
// (a kader signed in sees only that, a chair never sees it) in kader.js; the session, the API and the offline queue
// (everything sent with an Idempotency-Key made once) in lib.js.
import { initFund, queuedParts, showDana } from './fund.js';
import { askVisit, initHomecare, queuedVisits, showRumah } from './homecare.js';
import { forgetKader, initKader, queuedActivities, showKader } from './kader.js';
import {
  $,
  api,
  badge,
  claims,
  cognito,
  dropItem,
  el,
  failed,
  flush,
  fmtDay,
  fmtTime,
  issuesByField,
  kaderNik,
  kindOf,
  loadQueue,
  loadResidents,
  notice,
  onQueueChange,
  onSignedOut,
  pending,
  QUEUE,
  queueChanged,
  restoreSession,
  rtCode,
  rtLabel,
  SignedOut,
  saveQueue,
  saveSession,
  send,
  sending,
  showFieldErrors,
  state,
  todayWib,
} from './lib.js';

const RETRY_MS = 30_000;
const FIELDS = ['nik', 'name', 'birthDate', 'sex', 'kk', 'phone', 'reason', 'facility'];
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const PAGES = {
  '#/warga': 'p-warga',
  '#/baru': 'p-baru',
  '#/surat': 'p-surat',
  '#/dana': 'p-dana',
  '#/rumah': 'p-rumah',
};
// A kader's pages: none of the chair's.
const KADER_PAGES = { '#/kader': 'p-kader' };
const REVIEW = {
  PENDING_REVIEW: ['MENUNGGU VERIFIKASI', 'wait'],
  APPROVED: ['DISETUJUI', 'ok'],
  REJECTED: ['DITOLAK', 'bad'],
};
// What the server's (English) ValidationError means, per field; other paths fall back to its own words.
const SERVER_FIELD = {
  nik: 'NIK tidak sah. Periksa lagi 16 angka NIK pada KTP atau Kartu Keluarga.',
  name: 'Nama tidak sah. Tulis nama lengkap, 2 sampai 100 huruf.',
  birthDate: 'Tanggal lahir tidak sah atau di masa depan.',
  sex: 'Pilih jenis kelamin.',
  kk: 'Nomor KK harus 16 angka.',
  phone: 'Nomor HP harus nomor seluler Indonesia, misalnya 081234567890.',
  reason: 'Tulis alasan surat ini, minimal 3 huruf.',
};

let chairs = [];
/** Local mode's kader accounts (the picker's last group). */
let kaderAccounts = [];

// ---------- sign-in

async function loadConfig() {
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) {
      state.cfg = await res.json();
      localStorage.setItem('rt.config', JSON.stringify(state.cfg));
      return;
    }
  } catch {
    // No signal: the last configuration this phone saw.
  }
  state.cfg = JSON.parse(localStorage.getItem('rt.config') ?? 'null') ?? state.cfg;
}

/** Back from Cognito with ?code=…&state=…: the session, or why not. */
async function cognitoCallback() {
  const tokens = await cognito.callback();
  if (tokens) saveSession({ token: tokens.id_token, refresh: tokens.refresh_token });
  else if (tokens === null) state.loginNote = 'Gagal masuk. Coba lagi.';
}

async function showSignIn() {
  const letters = loadQueue().filter((i) => i.state === 'waiting' && kindOf(i) === 'letter').length;
  const parts = [
    letters && `${letters} surat`,
    ...queuedParts(),
    ...queuedVisits(),
    ...queuedActivities(),
  ].filter(Boolean);
  const waiting = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} dan ${parts.at(-1)}` : parts[0];
  $('login-queue').textContent = waiting
    ? `${waiting} masih tersimpan di HP ini dan akan dikirim setelah Anda masuk.`
    : '';
  $('login-msg').textContent = state.loginNote;
  if (state.cfg.auth === 'cognito') {
    $('login-cognito').hidden = false;
    return;
  }
  $('local-login').hidden = false;
  if (chairs.length) return;
  try {
    const res = await fetch('/auth/dev-users');
    if (!res.ok) throw new Error(String(res.status));
    const users = await res.json();
    chairs = users.chairs;
    kaderAccounts = users.kader ?? [];
    // Grouped by kelurahan, so the closed list on a narrow phone shows the chair and the RT in full.
    const byKelurahan = new Map();
    for (const c of chairs) byKelurahan.set(c.kelurahan, [...(byKelurahan.get(c.kelurahan) ?? []), c]);
    $('chair').replaceChildren(
      ...[...byKelurahan].map(([kelurahan, list]) =>
        el(
          'optgroup',
          { label: `Kel. ${kelurahan}` },
          ...list.map((c) => el('option', { value: c.username }, `${c.name} — ${rtLabel(c.rt)}`)),
        ),
      ),
      ...(kaderAccounts.length
        ? [
            el(
              'optgroup',
              { label: 'Kader kesehatan' },
              ...kaderAccounts.map((k) =>
                el('option', { value: `kader:${k.username}` }, `${k.name} — kader`),
              ),
            ),
          ]
        : []),
    );
  } catch {
    $('login-msg').textContent =
      'Daftar ketua RT tidak dapat dimuat. Periksa sinyal, lalu muat ulang halaman.';
  }
}

async function localSignIn() {
  const picked = $('chair').value;
  const kader = picked.startsWith('kader:')
    ? kaderAccounts.find((k) => `kader:${k.username}` === picked)
    : undefined;
  const chair = kader ? undefined : chairs.find((c) => c.username === picked);
  if (!chair && !kader) return;
  $('login-local').disabled = true;
  try {
    const res = await fetch('/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        kader ? { role: 'kader', username: kader.username } : { role: 'rt_chair', username: chair.username },
      ),
    });
    if (res.status === 403) {
      $('login-msg').textContent = 'Akun ini dinonaktifkan. Hubungi kelurahan atau Dinas.';
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    const { token } = await res.json();
    saveSession(
      kader
        ? { token, name: kader.name, place: 'Kader kesehatan' }
        : { token, name: chair.name, place: `Kel. ${chair.kelurahan}` },
    );
    state.loginNote = '';
    location.hash = kader ? '#/kader' : '#/warga';
    route();
    flush();
  } catch {
    $('login-msg').textContent = 'Gagal masuk. Periksa sinyal, lalu coba lagi.';
  } finally {
    $('login-local').disabled = false;
  }
}

function signOut() {
  saveSession(null);
  forgetKader();
  // Residents' data leaves a (possibly shared) phone with the chair; what still waits stays to be sent.
  saveQueue(loadQueue().filter(pending));
  state.loginNote = '';
  if (state.cfg.auth === 'cognito') cognito.signOut();
  else route();
}

// ---------- page 1: residents

let residents = [];
let wargaRun = 0;
let wargaLoading = false;

function coverageBadge(c) {
  if (!c) return ['BELUM TERDAFTAR JKN', 'none'];
  return c.status === 'ACTIVE' ? ['AKTIF', 'ok'] : ['TIDAK AKTIF', 'bad'];
}

async function showWarga() {
  const run = ++wargaRun;
  residents = [];
  wargaLoading = true;
  renderWarga();
  $('warga-msg').textContent = 'Memuat…';
  try {
    await loadResidents(rtCode(), (items) => {
      if (run !== wargaRun) return false;
      residents.push(...items);
      renderWarga();
    });
    if (run !== wargaRun) return;
    wargaLoading = false;
    renderWarga();
  } catch (error) {
    if (run !== wargaRun) return;
    wargaLoading = false;
    $('warga-msg').textContent = failed(error);
  }
}

/** No longer the RT's to act for: died, or moved out of the city (listed, marked, nothing offered). */
const gone = (r) => !!(r.deceasedOn || r.movedOutOn);

/** The resident whose death the chair is reporting (the form open under their name), if any. */
let reporting = null;

function renderWarga() {
  const term = $('cari').value.trim().toLowerCase();
  const shown = residents.filter((r) => r.name.toLowerCase().includes(term));
  $('warga-list').replaceChildren(
    ...shown.map((r) =>
      el(
        'li',
        {},
        el(
          'div',
          { class: 'row' },
          el('strong', {}, r.name),
          badge(
            r.deceasedOn
              ? ['MENINGGAL', 'none']
              : r.movedOutOn
                ? ['PINDAH', 'none']
                : coverageBadge(r.coverage),
          ),
        ),
        el(
          'div',
          { class: 'meta' },
          `NIK ${r.nik} · lahir ${fmtDay(r.birthDate)}`,
          r.deceasedOn ? ` · meninggal ${fmtDay(r.deceasedOn)}` : '',
          r.movedOutOn ? ` · pindah keluar kota ${fmtDay(r.movedOutOn)}` : '',
          !gone(r) && r.coverage ? ` · ${r.coverage.scheme.replace('_', ' ')}` : '',
        ),
        !gone(r) &&
          r.deathReportedOn &&
          el(
            'div',
            { class: 'meta' },
            `Dilaporkan meninggal ${fmtDay(r.deathReportedOn)}, menunggu konfirmasi Dinas.`,
          ),
        !gone(r) &&
          el(
            'div',
            { class: 'actions' },
            r.coverage?.status !== 'ACTIVE' &&
              el('button', { type: 'button', class: 'small', onclick: () => prefill(r) }, 'Buat surat'),
            el(
              'button',
              { type: 'button', class: 'small secondary', onclick: () => askVisit(r) },
              'Minta kunjungan rumah',
            ),
            !r.deathReportedOn &&
              reporting !== r.nik &&
              el(
                'button',
                {
                  type: 'button',
                  class: 'small secondary',
                  onclick: () => {
                    reporting = r.nik;
                    renderWarga();
                    $(`mati-tgl-${r.nik}`)?.focus();
                  },
                },
                'Lapor meninggal',
              ),
          ),
        reporting === r.nik && deathForm(r),
      ),
    ),
  );
  if (wargaLoading) return;
  $('warga-msg').textContent = !residents.length
    ? 'Belum ada warga terdaftar di RT ini.'
    : term
      ? `${shown.length} dari ${residents.length} warga.`
      : `${residents.length} warga terdaftar.`;
}

/**
 * The chair's report of a death: the day and, if there is one, the letter's number. It changes no coverage: the
 * city confirms it against Dukcapil's record first.
 */
function deathForm(r) {
  const id = (name) => `mati-${name}-${r.nik}`;
  const err = el('p', { id: id('err'), class: 'err', role: 'alert' });
  const date = el('input', {
    id: id('tgl'),
    type: 'date',
    min: r.birthDate,
    max: todayWib(),
    required: true,
    'aria-describedby': id('err'),
  });
  const reference = el('input', { id: id('ref'), maxlength: '100', autocomplete: 'off' });
  const submit = el('button', { type: 'submit', class: 'small' }, 'Kirim laporan');
  const form = el(
    'form',
    { class: 'death', novalidate: true, 'aria-label': `Lapor meninggal: ${r.name}` },
    el('div', { class: 'f' }, el('label', { for: id('tgl') }, 'Tanggal meninggal'), date),
    el('div', { class: 'f' }, el('label', { for: id('ref') }, 'Nomor surat kematian (jika ada)'), reference),
    err,
    el(
      'div',
      { class: 'row' },
      submit,
      el(
        'button',
        {
          type: 'button',
          class: 'small secondary',
          onclick: () => {
            reporting = null;
            renderWarga();
          },
        },
        'Batal',
      ),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!date.value) {
      err.textContent = 'Isi tanggal meninggal.';
      date.focus();
      return;
    }
    submit.disabled = true;
    err.textContent = '';
    try {
      const res = await api(`/residents/${encodeURIComponent(r.nik)}/death`, {
        method: 'POST',
        body: {
          date: date.value,
          source: 'RT',
          ...(reference.value.trim() ? { reference: reference.value.trim() } : {}),
        },
      });
      const data = await res.json().catch(() => ({}));
      if (res.status === 202) {
        r.deathReportedOn = data.report?.date ?? date.value;
        reporting = null;
        renderWarga();
        $('warga-msg').textContent =
          `Laporan meninggal ${r.name} terkirim. Jaminannya tidak berubah sampai Dinas mengonfirmasi.`;
        return;
      }
      if (res.status === 409) {
        r.deceasedOn = data.deceasedOn ?? date.value;
        reporting = null;
        renderWarga();
        $('warga-msg').textContent = `${r.name} sudah tercatat meninggal.`;
        return;
      }
      const issue = (data.issues ?? [])[0];
      err.textContent =
        issue?.path === 'date'
          ? 'Tanggal tidak sah: tidak boleh di masa depan atau sebelum tanggal lahir.'
          : issue
            ? `${issue.path}: ${issue.message}`
            : `Laporan tidak terkirim (${res.status}).`;
    } catch (error) {
      err.textContent = failed(error);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function prefill(r) {
  $('form').reset();
  showErrors({});
  for (const f of ['nik', 'name', 'birthDate', 'sex']) $(f).value = r[f] ?? '';
  $('result').hidden = true;
  location.hash = '#/baru';
}

// ---------- page 2: a new letter, and the queue

const digits = (v) => v.replace(/[\s.-]/g, '');

function readForm() {
  const body = {};
  for (const f of FIELDS) {
    const raw = $(f).value.trim();
    const value = f === 'nik' || f === 'kk' ? digits(raw) : raw;
    if (value) body[f] = value;
  }
  // Reminders need the resident's consent; the SMS that coverage is active is sent regardless.
  if (body.phone && $('smsConsent').checked) body.smsConsent = true;
  return body;
}

function nikProblem(nik = '') {
  if (!nik) return 'Isi NIK (16 angka pada KTP atau Kartu Keluarga).';
  if (!/^\d{16}$/.test(nik)) return 'NIK harus tepat 16 angka, tanpa huruf.';
  const dd = Number(nik.slice(6, 8));
  const mm = Number(nik.slice(8, 10));
  const d = dd > 40 ? dd - 40 : dd;
  if (mm < 1 || mm > 12 || d < 1 || d > DAYS[mm - 1]) {
    return 'Angka ke-7 sampai ke-12 NIK harus tanggal lahir (tanggal, bulan, tahun; perempuan: tanggal + 40).';
  }
  if (nik.endsWith('0000')) return '4 angka terakhir NIK tidak boleh 0000.';
  return '';
}

/** Same rule as the server: 08…, 628… or +628…, 10–13 digits after 62. */
function isMobile(phone) {
  if (!/^\+?[\d\s().-]+$/.test(phone)) return false;
  let n = phone.replace(/\D/g, '');
  if (phone.startsWith('+') || n.startsWith('62')) {
    if (!n.startsWith('62')) return false;
    n = n.slice(2).replace(/^0/, '');
  } else n = n.replace(/^0/, '');
  return /^8\d{9,12}$/.test(n);
}

function validate(b) {
  const e = {};
  const nik = nikProblem(b.nik);
  if (nik) e.nik = nik;
  if ((b.name ?? '').length < 2) e.name = 'Tulis nama lengkap, minimal 2 huruf.';
  if (!b.birthDate) e.birthDate = 'Isi tanggal lahir.';
  else if (b.birthDate > todayWib()) e.birthDate = 'Tanggal lahir tidak boleh di masa depan.';
  else if (b.birthDate < '1900-01-01') e.birthDate = 'Tanggal lahir tidak boleh sebelum tahun 1900.';
  if (!b.sex) e.sex = 'Pilih jenis kelamin.';
  if (b.kk && !/^\d{16}$/.test(b.kk)) e.kk = 'Nomor KK harus tepat 16 angka, atau kosongkan.';
  if (b.phone && !isMobile(b.phone))
    e.phone = 'Nomor HP harus nomor seluler Indonesia: 08… atau +628…, 10–13 angka setelah 62.';
  if ((b.reason ?? '').length < 3) e.reason = 'Tulis alasan surat ini, minimal 3 huruf.';
  if (b.facility && b.facility.length < 2)
    e.facility = 'Tulis nama puskesmas atau rumah sakit, atau kosongkan.';
  return e;
}

const showErrors = (errors, general = '') => showFieldErrors(FIELDS, errors, 'form-err', general);

/** A server 400 beside the fields it names. */
const serverErrors = (issues) => showErrors(...issuesByField(FIELDS, SERVER_FIELD, issues));

async function submit(event) {
  event.preventDefault();
  $('result').hidden = true;
  const body = readForm();
  const errors = validate(body);
  showErrors(errors);
  if (Object.keys(errors).length) return;
  const item = {
    key: crypto.randomUUID(),
    rt: rtCode(),
    body,
    at: new Date().toISOString(),
    state: 'waiting',
  };
  saveQueue([item, ...loadQueue()]);
  renderQueue();
  $('submit').disabled = true;
  const after = navigator.onLine ? await send(item) : item;
  $('submit').disabled = false;
  if (after.state === 'failed') {
    // Answered at once: the chair is still at the form, so the answer goes there, not to the list.
    dropItem(item.key);
    renderQueue();
    if (after.status === 400 && after.error?.issues) return serverErrors(after.error.issues);
    return showResult(after);
  }
  $('form').reset();
  showResult(after);
}

function failureText(item) {
  const e = item.error ?? {};
  if (e.error === 'Conflict') {
    const since = e.coverage?.since ? ` sejak ${fmtTime(e.coverage.since)}` : '';
    return `Jaminan kesehatan warga ini sudah AKTIF${since}. Surat tidak diperlukan.`;
  }
  if (e.error === 'DailyLimitReached')
    return `Batas ${e.limit ?? ''} surat per hari untuk RT ini (dari semua akun ketua RT) sudah tercapai. Kirim lagi besok.`;
  if (e.error === 'IdempotencyKeyReused') return 'Kiriman ini bentrok dengan kiriman lain. Buat surat baru.';
  if (e.error === 'ValidationError') {
    const issues = (e.issues ?? []).map((i) => SERVER_FIELD[i.path] ?? `Periksa isian ini: ${i.message}`);
    return `Isian ditolak: ${issues.join(' ')}`;
  }
  if (item.status === 403)
    return 'Warga ini terdaftar di RT lain, atau akun Anda tidak berhak membuat surat ini.';
  return `Surat ditolak (kode ${item.status}).`;
}

/** What became of a letter: its state badge and, when sent, the coverage, the verify link and the letter. */
function outcome(item) {
  const r = item.result;
  if (item.state === 'waiting') {
    return [
      el(
        'div',
        { class: 'meta' },
        sending.has(item.key) ? 'Sedang mengirim…' : 'Akan dikirim otomatis saat ada sinyal.',
      ),
    ];
  }
  if (item.state === 'failed') return [el('p', { class: 'err' }, failureText(item))];
  return [
    el(
      'div',
      { class: 'meta' },
      'Jaminan kesehatan ',
      badge(['AKTIF', 'ok']),
      ` sejak ${fmtTime(r.coverage?.since)}`,
      r.registered ? ' · warga baru terdaftar di RT ini' : '',
    ),
    el(
      'div',
      { class: 'meta' },
      'Tautan verifikasi: ',
      el('a', { href: r.verifyUrl, target: '_blank', rel: 'noopener' }, r.verifyUrl),
    ),
    el(
      'div',
      { class: 'actions' },
      el(
        'button',
        { type: 'button', class: 'small', onclick: () => openLetter(r.id) },
        'Buka surat untuk dicetak',
      ),
    ),
  ];
}

const STATE = { waiting: ['Menunggu sinyal', 'wait'], done: ['Terkirim', 'ok'], failed: ['Gagal', 'bad'] };

function itemHead(item) {
  return el(
    'div',
    { class: 'row' },
    el('strong', {}, item.body.name),
    badge(sending.has(item.key) ? ['Mengirim…', 'wait'] : STATE[item.state]),
  );
}

const TITLE = { waiting: 'Surat disimpan di HP ini', done: 'Surat terkirim', failed: 'Surat tidak terkirim' };

function renderResult(item) {
  $('result').replaceChildren(el('h2', {}, TITLE[item.state]), itemHead(item), ...outcome(item));
  $('result').dataset.key = item.key;
}

function showResult(item) {
  renderResult(item);
  $('result').hidden = false;
  $('result').focus();
}

function renderQueue() {
  const mine = loadQueue().filter((i) => i.rt === rtCode() && kindOf(i) === 'letter');
  $('queue-title').hidden = mine.length === 0;
  $('queue').replaceChildren(
    ...mine.map((item) =>
      el(
        'li',
        { 'data-key': item.key },
        itemHead(item),
        el('div', { class: 'meta' }, `NIK ${item.body.nik} · dibuat ${fmtTime(item.at)}`),
        ...outcome(item),
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
  // The result card follows its letter when it is sent in the background.
  const shown = mine.find((i) => i.key === $('result').dataset.key);
  if (shown && !$('result').hidden) renderResult(shown);
}

// ---------- page 3: my RT's letters

let suratCursor = null;
let suratRun = 0;

function showSurat() {
  $('surat-list').replaceChildren();
  suratCursor = null;
  loadSurat(++suratRun);
}

async function loadSurat(run) {
  $('more').hidden = true;
  $('surat-msg').textContent = 'Memuat…';
  try {
    const q = new URLSearchParams({
      rt: rtCode(),
      limit: '20',
      ...(suratCursor ? { cursor: suratCursor } : {}),
    });
    const res = await api(`/attestations?${q}`);
    if (!res.ok) throw new Error(String(res.status));
    const page = await res.json();
    if (run !== suratRun) return;
    $('surat-list').append(...page.items.map(suratItem));
    suratCursor = page.cursor;
    $('more').hidden = !page.cursor;
    $('surat-msg').textContent = $('surat-list').children.length ? '' : 'Belum ada surat dari RT ini.';
  } catch (error) {
    if (run !== suratRun) return;
    $('surat-msg').textContent = failed(error);
    $('more').hidden = !suratCursor;
  }
}

function suratItem(a) {
  const decision = a.decision;
  return el(
    'li',
    { 'data-id': a.id },
    el(
      'div',
      { class: 'row' },
      el('strong', {}, a.resident?.name ?? ''),
      badge(REVIEW[a.status] ?? [a.status, 'none']),
    ),
    el('div', { class: 'meta' }, `NIK ${a.resident?.nik ?? ''} · dibuat ${fmtTime(a.issuedAt)}`),
    el('div', { class: 'meta' }, `Alasan: ${a.reason ?? ''}`, a.facility ? ` · ${a.facility}` : ''),
    decision?.note &&
      el('div', { class: 'meta' }, `Catatan Dinas Sosial (${fmtTime(decision.at)}): ${decision.note}`),
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', class: 'small', onclick: () => openLetter(a.id) }, 'Lihat surat'),
    ),
  );
}

// ---------- the printable letter

let letterUrl = '';

/** The letter needs the token, so it is fetched and shown from a blob: URL in a full-screen frame. */
async function openLetter(id) {
  notice('Memuat surat…');
  try {
    const res = await api(`/attestations/${encodeURIComponent(id)}/letter`);
    if (!res.ok) throw new Error(String(res.status));
    const html = await res.text();
    closeLetter();
    letterUrl = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
    $('letter-frame').src = letterUrl;
    $('letter').hidden = false;
    document.body.classList.add('modal');
    notice('');
    $('close').focus();
  } catch (error) {
    notice(
      error instanceof SignedOut
        ? ''
        : navigator.onLine
          ? 'Surat gagal dimuat. Coba lagi.'
          : 'Tidak ada sinyal. Surat bisa dibuka saat ada sinyal.',
    );
  }
}

/** The A5 sheet is wider than a phone: zoom it to the screen's width, but never in print. */
function fitLetter() {
  const win = $('letter-frame').contentWindow;
  const root = win?.document.documentElement;
  if (!letterUrl || !root) return;
  const toWidth = () => {
    root.style.zoom = '';
    const scale = win.innerWidth / root.scrollWidth;
    if (scale < 1) root.style.zoom = String(scale);
  };
  win.addEventListener('beforeprint', () => {
    root.style.zoom = '';
  });
  win.addEventListener('afterprint', toWidth);
  toWidth();
}

function closeLetter() {
  if (letterUrl) URL.revokeObjectURL(letterUrl);
  letterUrl = '';
  $('letter-frame').removeAttribute('src');
  $('letter').hidden = true;
  document.body.classList.remove('modal');
}

// ---------- routing and start

function route() {
  const rt = rtCode();
  const kader = !rt && kaderNik();
  // Each role its own pages: a chair's hash typed by a kader (or the other way round) lands on their own home.
  const pages = rt ? PAGES : kader ? KADER_PAGES : {};
  const home = rt ? '#/warga' : '#/kader';
  const signedIn = !!(rt || kader);
  const hash = signedIn ? (pages[location.hash] ? location.hash : home) : '';
  if (signedIn && hash !== location.hash) history.replaceState(null, '', hash);
  const page = signedIn ? pages[hash] : 'p-masuk';
  for (const id of ['p-masuk', ...Object.values(PAGES), ...Object.values(KADER_PAGES)]) {
    $(id).hidden = id !== page;
  }
  $('nav').hidden = $('signout').hidden = !signedIn;
  for (const a of $('nav').querySelectorAll('a')) {
    a.hidden = !pages[a.getAttribute('href')];
    if (a.getAttribute('href') === hash) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  showWho();
  if (rt && !state.session.place) loadPlace(rt);
  notice('');
  if (!signedIn) {
    forgetKader();
    if (state.session) {
      saveSession(null);
      state.loginNote = 'Akun ini bukan akun ketua RT atau kader.';
    }
    showSignIn();
  } else if (page === 'p-kader') showKader();
  else if (page === 'p-warga') showWarga();
  else if (page === 'p-surat') showSurat();
  else if (page === 'p-dana') showDana();
  else if (page === 'p-rumah') {
    // Opened for a resident from the list: the form has the focus already.
    if (showRumah()) return;
  } else renderQueue();
  $(page).querySelector('h1').focus();
}

function showWho() {
  const rt = rtCode();
  const { session } = state;
  const name = session?.name ?? claims(session?.token ?? '')?.name;
  if (!rt && kaderNik()) {
    $('who').textContent = `· ${name ? `${name}, ` : ''}kader`;
    return;
  }
  $('who').textContent = rt
    ? `· ${name ? `${name}, ` : ''}${rtLabel(rt)}${session.place ? `, ${session.place}` : ''}`
    : '';
}

/** The kelurahan of the chair's RT by its real name, from the RT directory, once per session. */
async function loadPlace(rt) {
  try {
    const res = await api(`/rts/${rt}`);
    if (!res.ok) return;
    const { kelurahan } = await res.json();
    if (kelurahan?.name && rtCode() === rt) {
      saveSession({ ...state.session, place: `Kel. ${kelurahan.name}` });
      showWho();
    }
  } catch {
    // No signal: the header shows the RT alone until the next page.
  }
}

function online() {
  $('net').hidden = navigator.onLine;
  flush();
}

async function start() {
  // The shell is cached so the form opens without signal; failing to register only loses that.
  navigator.serviceWorker?.register('sw.js').catch(() => undefined);
  await loadConfig();
  await cognitoCallback();
  restoreSession();
  onSignedOut(route);
  onQueueChange(renderQueue);
  initFund();
  initHomecare({ onLetter: prefill });
  initKader({
    // The kader's name from the register, for the header, when the token does not carry one.
    onRecord: (k) => {
      if (kaderNik() === k.nik && !state.session.name) {
        saveSession({ ...state.session, name: k.name });
        showWho();
      }
    },
  });
  $('form').addEventListener('submit', submit);
  $('form').addEventListener('input', (e) => {
    if (!FIELDS.includes(e.target.id)) return;
    $(`${e.target.id}-err`).textContent = '';
    e.target.removeAttribute('aria-invalid');
  });
  $('cari').addEventListener('input', renderWarga);
  $('more').addEventListener('click', () => loadSurat(suratRun));
  $('login-local').addEventListener('click', localSignIn);
  $('login-cognito').addEventListener('click', cognito.signIn);
  $('signout').addEventListener('click', signOut);
  $('print').addEventListener('click', () => $('letter-frame').contentWindow?.print());
  $('close').addEventListener('click', closeLetter);
  $('letter-frame').addEventListener('load', fitLetter);
  $('birthDate').max = todayWib();
  addEventListener('hashchange', route);
  addEventListener('online', online);
  addEventListener('offline', online);
  // Another tab of this app changed the queue.
  addEventListener('storage', (e) => e.key === QUEUE && queueChanged());
  setInterval(flush, RETRY_MS);
  route();
  online();
}

start();
