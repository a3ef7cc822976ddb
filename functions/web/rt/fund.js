// The RT's fund (Dana RT): a fiscal year's balance and category totals, its entries newest first, an expense
// recorded through the same offline queue as letters, receipt photos (made small here, kept in IndexedDB until
// their expense is sent) and the chair's reversal of a recent expense. The last fund loaded stays in
// localStorage, so the page still shows it without signal, with when it was loaded.
import {
  $,
  api,
  badge,
  defineKind,
  dropItem,
  el,
  failed,
  fmtDay,
  fmtTime,
  issuesByField,
  kindOf,
  loadQueue,
  notice,
  onFlushed,
  onQueueChange,
  pending,
  queueChanged,
  rtCode,
  rupiah,
  SignedOut,
  saveQueue,
  send,
  sending,
  showFieldErrors,
  todayWib,
  updateItem,
} from './lib.js';

const FUND = 'rt.fund';
const FIELDS = ['amount', 'category', 'date', 'description', 'vendor', 'receipt'];
export const CATEGORY = {
  SANITATION: 'Sanitasi',
  CLEAN_WATER: 'Air bersih',
  WASTE: 'Sampah',
  HEALTH_CHECK: 'Cek kesehatan gratis',
  NUTRITION: 'Gizi',
  OPERATIONS: 'Operasional',
  OTHER: 'Lainnya',
};
// What the server's (English) ValidationError means, per field.
const SERVER_FIELD = {
  amount: 'Jumlah tidak sah. Tulis jumlah rupiah tanpa desimal, lebih dari 0.',
  category: 'Pilih kategori pengeluaran.',
  date: 'Tanggal harus di tahun anggaran ini dan tidak di masa depan.',
  description: 'Tulis keterangan, 3 sampai 500 huruf.',
  vendor: 'Nama toko atau penjual 2 sampai 120 huruf, atau kosongkan.',
};
const MAX_BYTES = 5 * 1024 * 1024;
// A JPEG or PNG this small goes as it is; anything bigger is redrawn at LONG_SIDE px as a JPEG.
const KEEP_BYTES = 1024 * 1024;
const LONG_SIDE = 1600;
const REVERSAL_DAYS = 30;
const PAGE = 20;
const UNREADABLE = 'Foto tidak dapat dibaca. Pilih foto JPEG atau PNG, atau berkas PDF.';
const NO_SIGNAL = 'Tidak ada sinyal. Coba lagi saat ada sinyal.';

let year = Number(todayWib().slice(0, 4));
let fund = null; // { rt, year, account, entries, cursor, loadedAt }
let fundRun = 0;
/** Uploads started from the list, by entry: { state: uploading | done | failed, text?, file? }. */
const uploads = new Map();
/** Open reversal forms, by entry: { reason, key?, sentReason?, busy?, err? }. */
const reversing = new Map();
/** Queue items whose receipt is being uploaded now. */
const uploading = new Set();
let pickFor = null;

const shown = () => !$('p-dana').hidden;
const fundPath = (rt, y) => `/funds/${encodeURIComponent(rt)}/${y}`;
const meta = (...kids) => el('div', { class: 'meta' }, ...kids);

// ---------- receipts kept on the phone (IndexedDB, no library)

function idb(mode, op) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('rt', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('receipts');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('receipts', mode);
      const req = op(tx.objectStore('receipts'));
      tx.oncomplete = () => {
        db.close();
        resolve(req.result);
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        reject(tx.error);
      };
    };
  });
}

// Where IndexedDB is refused (some private modes), the file is kept for as long as the page is open.
const inMemory = new Map();

async function keepReceipt(key, file) {
  try {
    await idb('readwrite', (s) => s.put(file, key));
  } catch {
    inMemory.set(key, file);
  }
}

async function storedReceipt(key) {
  return inMemory.get(key) ?? (await idb('readonly', (s) => s.get(key)).catch(() => undefined));
}

async function forgetReceipt(key) {
  inMemory.delete(key);
  await idb('readwrite', (s) => s.delete(key)).catch(() => undefined);
}

/** Files whose queue item is gone (sent and uploaded, or dropped) leave the phone. */
async function cleanReceipts() {
  try {
    const keep = new Set(
      loadQueue().flatMap((i) => (i.receipt && i.receipt.state !== 'done' ? [i.key] : [])),
    );
    for (const key of await idb('readonly', (s) => s.getAllKeys())) {
      if (!keep.has(key)) await forgetReceipt(key);
    }
  } catch {
    // No IndexedDB: nothing was kept there.
  }
}

// ---------- receipt files

/** Why a chosen file cannot be a receipt, or ''. Images of any size are made small before upload. */
function receiptProblem(file) {
  if (file.type === 'application/pdf') {
    return file.size > MAX_BYTES
      ? 'Berkas PDF lebih dari 5 MB. Pilih berkas yang lebih kecil, atau foto kuitansinya.'
      : '';
  }
  return file.type.startsWith('image/') ? '' : 'Pilih foto kuitansi (JPEG atau PNG) atau berkas PDF.';
}

/** The file to upload: a PDF or a small JPEG/PNG as it is; any other photo redrawn ≤ 1600 px as a JPEG. */
async function prepareReceipt(file) {
  const type = file.type;
  if (type === 'application/pdf' || (/^image\/(jpeg|png)$/.test(type) && file.size <= KEEP_BYTES)) {
    return { blob: file, type };
  }
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = el('canvas', {
    width: Math.max(1, Math.round(bitmap.width * scale)),
    height: Math.max(1, Math.round(bitmap.height * scale)),
  });
  const ctx = canvas.getContext('2d');
  // A transparent PNG would turn black as a JPEG.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  for (const quality of [0.8, 0.6, 0.4]) {
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (blob && blob.size <= MAX_BYTES) return { blob, type: 'image/jpeg' };
  }
  throw new Error('the photo stays over 5 MB');
}

/** Asks for an upload URL and PUTs the file there: done, waiting (no signal, 5xx) or failed (refused). */
async function uploadReceipt(rt, y, entryId, { blob, type }) {
  try {
    const res = await api(`${fundPath(rt, y)}/entries/${encodeURIComponent(entryId)}/receipt`, {
      method: 'POST',
      body: { contentType: type, size: blob.size },
    });
    if (res.status >= 500) return { state: 'waiting', text: 'Server sedang sibuk. Coba lagi sebentar lagi.' };
    if (!res.ok) return { state: 'failed', text: `Kuitansi ditolak (kode ${res.status}).` };
    const { upload } = await res.json();
    // The browser sets the length itself; the type must be the one signed into the URL.
    const put = await fetch(upload.url, {
      method: upload.method ?? 'PUT',
      headers: { 'content-type': upload.headers?.['content-type'] ?? type },
      body: blob,
    });
    if (put.ok) return { state: 'done' };
    if (put.status >= 500) return { state: 'waiting', text: 'Server sedang sibuk. Coba lagi sebentar lagi.' };
    return { state: 'failed', text: `Kuitansi ditolak saat diunggah (kode ${put.status}).` };
  } catch (error) {
    return { state: 'waiting', text: error instanceof SignedOut ? '' : NO_SIGNAL };
  }
}

/** The receipt of a queued expense, once the expense is sent; the file leaves the phone when it is up. */
async function uploadQueued(key) {
  const item = loadQueue().find((i) => i.key === key);
  if (item?.state !== 'done' || item.receipt?.state !== 'waiting' || uploading.has(key)) return;
  const file = await storedReceipt(key);
  if (!file) {
    updateItem(key, {
      receipt: { ...item.receipt, state: 'failed', error: 'Foto kuitansi tidak ada lagi di HP ini.' },
    });
    queueChanged();
    return;
  }
  uploading.add(key);
  queueChanged();
  const out = await uploadReceipt(item.rt, item.year, item.result.entryId, file);
  uploading.delete(key);
  const { error: _before, ...was } = item.receipt;
  const receipt = { ...was, state: out.state, ...(out.text ? { error: out.text } : {}) };
  updateItem(key, { receipt });
  if (out.state === 'done') await forgetReceipt(key);
  queueChanged();
  if (out.state === 'done') refreshFor(item);
}

function retryQueued(key) {
  const item = loadQueue().find((i) => i.key === key);
  if (!item?.receipt) return;
  updateItem(key, { receipt: { ...item.receipt, state: 'waiting' } });
  uploadQueued(key);
}

async function uploadWaitingReceipts() {
  for (const item of loadQueue()) {
    if (item.rt === rtCode() && item.state === 'done' && item.receipt?.state === 'waiting') {
      await uploadQueued(item.key);
    }
  }
}

// "Unggah kuitansi" on an entry of the list: one shared file input, opened for that entry.
function pickReceipt(entryId) {
  pickFor = entryId;
  $('pick').value = '';
  $('pick').click();
}

async function picked() {
  const file = $('pick').files[0];
  const id = pickFor;
  pickFor = null;
  if (!file || !id) return;
  const problem = receiptProblem(file);
  if (problem) return setUpload(id, { state: 'failed', text: problem });
  setUpload(id, { state: 'uploading' });
  let prepared;
  try {
    prepared = await prepareReceipt(file);
  } catch {
    return setUpload(id, { state: 'failed', text: UNREADABLE });
  }
  await uploadFor(id, prepared);
}

async function uploadFor(id, file, rt = rtCode(), y = year) {
  setUpload(id, { state: 'uploading', file });
  const out = await uploadReceipt(rt, y, id, file);
  if (out.state === 'done') {
    setUpload(id, { state: 'done' });
    notice('Kuitansi terunggah.');
    if (fund?.rt === rt && fund.year === y) loadFund();
  } else {
    setUpload(id, { state: 'failed', text: out.text || 'Kuitansi gagal diunggah.', file });
  }
}

function setUpload(id, value) {
  uploads.set(id, value);
  if (value.state === 'failed') notice(value.text);
  renderEntries();
}

// ---------- the fund of a year, kept for a signal-less day

function cachedFund(rt, y) {
  return JSON.parse(localStorage.getItem(FUND) ?? '{}')[`${rt}/${y}`] ?? null;
}

function saveFund(f) {
  const all = JSON.parse(localStorage.getItem(FUND) ?? '{}');
  const kept = f.entries.slice(0, 200);
  all[`${f.rt}/${f.year}`] = {
    ...f,
    entries: kept,
    cursor: kept.length < f.entries.length ? kept.at(-1).entryId : f.cursor,
  };
  // This year and last year of one or two RTs is all a phone needs.
  const newest = Object.entries(all)
    .sort(([, a], [, b]) => b.loadedAt.localeCompare(a.loadedAt))
    .slice(0, 4);
  try {
    localStorage.setItem(FUND, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // A full storage only costs the copy for a signal-less day.
  }
}

export function showDana() {
  setBounds();
  fund = cachedFund(rtCode(), year);
  renderFund();
  renderFundQueue();
  loadFund();
}

async function loadFund({ more = false } = {}) {
  const run = ++fundRun;
  const rt = rtCode();
  const y = year;
  if (!rt) return;
  $('dana-more').hidden = true;
  $('dana-msg').textContent = more ? 'Memuat…' : fund ? 'Memuat data terbaru…' : 'Memuat…';
  try {
    const q = new URLSearchParams({
      limit: String(PAGE),
      ...(more && fund?.cursor ? { cursor: fund.cursor } : {}),
    });
    const res = await api(`${fundPath(rt, y)}?${q}`);
    if (!res.ok) throw new Error(String(res.status));
    const { entries, cursor, ...account } = await res.json();
    if (run !== fundRun) return;
    const before = more && fund ? fund.entries : [];
    const seen = new Set(before.map((e) => e.entryId));
    fund = {
      rt,
      year: y,
      account,
      entries: [...before, ...entries.filter((e) => !seen.has(e.entryId))],
      cursor,
      loadedAt: new Date().toISOString(),
    };
    saveFund(fund);
    $('dana-msg').textContent = '';
    renderFund();
  } catch (error) {
    if (run !== fundRun) return;
    const why = failed(error);
    $('dana-msg').textContent =
      fund && why ? `${why} Menampilkan data yang dimuat ${fmtTime(fund.loadedAt)}.` : why;
    $('dana-more').hidden = !fund?.cursor;
  }
}

/** After an expense or its receipt went up: the page shows the new balance and entry. */
function refreshFor(item) {
  if (shown() && item.rt === rtCode() && item.year === year) loadFund();
}

function renderFund() {
  const a = fund?.account;
  $('dana-sum').hidden = !a;
  if (!a) {
    $('dana-list').replaceChildren();
    $('dana-empty').textContent = '';
    return;
  }
  $('saldo').textContent = rupiah(a.balance);
  const row = (label, n) => [el('dt', {}, label), el('dd', { class: 'amt' }, rupiah(n))];
  $('dana-totals').replaceChildren(
    ...row('Dana masuk', a.allocated),
    ...row('Terpakai', a.spent),
    ...row('Dibatalkan', a.reversedExpenses ?? a.reversed),
    ...(a.reversedAllocations ? row('Dana masuk ditarik kembali', a.reversedAllocations) : []),
  );
  $('dana-cats').replaceChildren(
    ...Object.entries(CATEGORY).map(([c, label]) => {
      const n = a.byCategory?.[c] ?? 0;
      return el(
        'li',
        { class: n ? '' : 'zero', 'data-cat': c },
        el('span', {}, label),
        el('span', { class: 'amt' }, rupiah(n)),
      );
    }),
  );
  $('dana-when').textContent = `Data dimuat ${fmtTime(fund.loadedAt)}`;
  renderEntries();
}

// ---------- the entries

function entryTitle(e) {
  if (e.kind === 'ALLOCATION') return 'Dana masuk';
  const label = CATEGORY[e.category] ?? 'Pengeluaran';
  return e.kind === 'REVERSAL' ? `Pembatalan · ${label}` : label;
}

const describe = (e) => `${entryTitle(e)} ${fmtDay(e.date)}, ${rupiah(e.amount)}`;

/** A link between an entry and its reversal: to the other one, in the list. */
const jump = (id, text) =>
  el(
    'button',
    {
      type: 'button',
      class: 'linkish',
      onclick: () => {
        const li = list().querySelector(`[data-id="${id}"]`);
        li?.scrollIntoView({ block: 'center' });
        li?.focus();
      },
    },
    text,
  );

/** A chair may reverse the RT's own expense within 30 days of recording it, once. */
const reversible = (e, reversal) =>
  e.kind === 'EXPENSE' &&
  !reversal &&
  !e.reversedBy &&
  Date.now() - Date.parse(e.recordedAt) <= REVERSAL_DAYS * 86_400_000;

function renderEntries() {
  if (!fund) return;
  const list = $('dana-list');
  // Re-rendering keeps the chair where they were: the focused control, or at least its entry.
  const active = document.activeElement;
  const activeId = list.contains(active) ? active.id : '';
  const activeEntry = list.contains(active) ? active.closest('li')?.dataset.id : '';
  const reversals = new Map(fund.entries.filter((e) => e.reverses).map((e) => [e.reverses, e]));
  const byId = new Map(fund.entries.map((e) => [e.entryId, e]));
  list.replaceChildren(
    ...fund.entries.map((e) => entryItem(e, reversals.get(e.entryId), e.reverses && byId.get(e.reverses))),
  );
  $('dana-empty').textContent = fund.entries.length ? '' : 'Belum ada catatan dana untuk tahun ini.';
  $('dana-more').hidden = !fund.cursor;
  const again =
    (activeId && $(activeId)) || (activeEntry && list.querySelector(`[data-id="${activeEntry}"]`));
  if (again) {
    again.focus();
    if (again.tagName === 'INPUT') again.setSelectionRange(again.value.length, again.value.length);
  }
}

function entryItem(e, reversal, original) {
  const credit = e.direction === 'CREDIT';
  const id = e.entryId;
  return el(
    'li',
    { 'data-id': id, tabindex: '-1', class: reversal ? 'reversed' : '' },
    el(
      'div',
      { class: 'row' },
      el('strong', {}, entryTitle(e)),
      el('span', { class: `amt ${credit ? 'in' : 'out'}` }, `${credit ? '+' : '−'} ${rupiah(e.amount)}`),
    ),
    meta(`${fmtDay(e.date)} · ${credit ? 'Masuk' : 'Keluar'}`),
    el('div', {}, e.kind === 'REVERSAL' ? `Alasan: ${e.description}` : e.description),
    e.vendor && meta(`Toko/penjual: ${e.vendor}`),
    reversal &&
      meta(
        badge(['DIBATALKAN', 'bad']),
        ` pada ${fmtDay(reversal.date)}. Alasan: ${reversal.description} `,
        jump(reversal.entryId, 'Lihat pembatalan'),
      ),
    e.kind === 'REVERSAL' &&
      meta(
        'Membatalkan: ',
        original ? jump(original.entryId, describe(original)) : 'catatan yang lebih lama.',
      ),
    ...(e.kind === 'EXPENSE' ? receiptLine(e, reversal) : []),
    reversible(e, reversal) && reversing.has(e.entryId) && reversalForm(e),
  );
}

/** An expense's receipt: attached, on its way, or missing (with the buttons to upload it and to reverse). */
function receiptLine(e, reversal) {
  const id = e.entryId;
  const reverse = reversible(e, reversal) && !reversing.has(id) && reverseButton(id);
  const actions = (...kids) => (kids.some(Boolean) ? [el('div', { class: 'actions' }, ...kids)] : []);
  if (e.receipt) return [meta(el('span', { class: 'yes' }, 'Kuitansi ✓')), ...actions(reverse)];
  const queued = loadQueue().find((i) => i.result?.entryId === id && i.receipt);
  if (queued && queued.receipt.state !== 'done') return [queuedReceiptLine(queued), ...actions(reverse)];
  const up = uploads.get(id);
  if (up?.state === 'uploading') return [meta('Mengunggah kuitansi…'), ...actions(reverse)];
  if (up?.state === 'done' || queued) {
    return [meta(el('span', { class: 'yes' }, 'Kuitansi ✓')), ...actions(reverse)];
  }
  return [
    meta('Belum ada kuitansi'),
    up?.state === 'failed' && el('p', { class: 'err' }, up.text),
    ...actions(
      up?.file &&
        el(
          'button',
          { type: 'button', class: 'small', id: `retry-${id}`, onclick: () => uploadFor(id, up.file) },
          'Coba lagi unggah',
        ),
      el(
        'button',
        { type: 'button', class: 'small secondary', id: `up-${id}`, onclick: () => pickReceipt(id) },
        'Unggah kuitansi',
      ),
      reverse,
    ),
  ];
}

function reverseButton(id) {
  return el(
    'button',
    {
      type: 'button',
      class: 'small secondary',
      id: `rev-${id}`,
      onclick: () => {
        reversing.set(id, { reason: '' });
        renderEntries();
        $(`why-${id}`).focus();
      },
    },
    'Batalkan',
  );
}

function reversalForm(e) {
  const id = e.entryId;
  const r = reversing.get(id);
  return el(
    'form',
    { class: 'inline', novalidate: true, onsubmit: (ev) => submitReversal(ev, e) },
    el('label', { for: `why-${id}` }, 'Alasan pembatalan'),
    el('input', {
      id: `why-${id}`,
      maxlength: '500',
      autocomplete: 'off',
      value: r.reason,
      'aria-describedby': `why-${id}-err`,
      'aria-invalid': r.err ? 'true' : null,
      oninput: (ev) => {
        r.reason = ev.target.value;
      },
    }),
    el('p', { id: `why-${id}-err`, class: 'err', role: 'alert' }, r.err ?? ''),
    el(
      'div',
      { class: 'actions' },
      el(
        'button',
        { type: 'submit', class: 'small', id: `revok-${id}`, disabled: !!r.busy },
        r.busy ? 'Membatalkan…' : 'Batalkan pengeluaran',
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'small secondary',
          onclick: () => {
            reversing.delete(id);
            renderEntries();
          },
        },
        'Tutup',
      ),
    ),
  );
}

async function submitReversal(ev, e) {
  ev.preventDefault();
  const id = e.entryId;
  const r = reversing.get(id);
  if (!r || r.busy) return;
  const reason = r.reason.trim();
  if (reason.length < 3) {
    r.err = 'Tulis alasan pembatalan, minimal 3 huruf.';
    renderEntries();
    $(`why-${id}`).focus();
    return;
  }
  // One key per reason: a resend after a lost answer is the same reversal, never a second one.
  if (r.sentReason !== reason) Object.assign(r, { key: crypto.randomUUID(), sentReason: reason });
  Object.assign(r, { busy: true, err: '' });
  renderEntries();
  const rt = fund.rt;
  const y = fund.year;
  try {
    const res = await api(`${fundPath(rt, y)}/entries/${encodeURIComponent(id)}/reversal`, {
      method: 'POST',
      body: { reason },
      headers: { 'idempotency-key': r.key },
    });
    const data = await res.json().catch(() => ({}));
    if (res.ok || res.status === 409) {
      reversing.delete(id);
      notice(
        res.ok
          ? `Pengeluaran dibatalkan. Saldo sekarang ${rupiah(data.balance)}.`
          : 'Pengeluaran ini sudah dibatalkan sebelumnya.',
      );
      await loadFund();
      list().querySelector(`[data-id="${id}"]`)?.focus();
      return;
    }
    r.err =
      res.status === 403
        ? `Sudah lewat ${REVERSAL_DAYS} hari, atau akun Anda tidak berhak: pembatalan hanya bisa oleh pemerintah kota.`
        : res.status >= 500
          ? 'Server sedang sibuk. Coba lagi sebentar lagi.'
          : `Pembatalan ditolak (kode ${res.status}).`;
  } catch (error) {
    r.err = error instanceof SignedOut ? '' : navigator.onLine ? 'Gagal mengirim. Coba lagi.' : NO_SIGNAL;
  }
  r.busy = false;
  renderEntries();
}

const list = () => $('dana-list');

// ---------- recording an expense

/** "1.500.000", "1500000" or "Rp 1.500.000" → 1500000; anything else NaN; empty → undefined. */
function parseAmount(raw) {
  const v = raw.replace(/^rp\.?/i, '').replace(/\s/g, '');
  if (!v) return undefined;
  return /^\d+$/.test(v) || /^\d{1,3}(\.\d{3})+$/.test(v) ? Number(v.replace(/\./g, '')) : Number.NaN;
}

/** The form's date bounds: the fiscal year, never after today. */
function setBounds() {
  const today = todayWib();
  const last = `${year}-12-31` < today ? `${year}-12-31` : today;
  $('date').min = `${year}-01-01`;
  $('date').max = last;
  if (!$('date').value || $('date').value < $('date').min || $('date').value > last) $('date').value = last;
  $('date-hint').textContent = `Di tahun anggaran ${year}, paling lambat hari ini.`;
}

function readExpense() {
  const v = (id) => $(id).value.trim();
  const body = {
    amount: parseAmount(v('amount')),
    category: v('category'),
    date: v('date'),
    description: v('description'),
  };
  if (v('vendor')) body.vendor = v('vendor');
  return body;
}

function validate(b, file) {
  const e = {};
  if (b.amount === undefined) e.amount = 'Isi jumlah uang yang dibelanjakan.';
  else if (Number.isNaN(b.amount)) e.amount = 'Jumlah hanya angka, misalnya 150000 atau 150.000.';
  else if (b.amount < 1) e.amount = 'Jumlah harus lebih dari Rp 0.';
  else if (b.amount > 1_000_000_000_000) e.amount = 'Jumlah terlalu besar.';
  if (!b.category) e.category = 'Pilih kategori pengeluaran.';
  if (!b.date) e.date = 'Isi tanggal pengeluaran.';
  else if (b.date > todayWib()) e.date = 'Tanggal tidak boleh di masa depan.';
  else if (!b.date.startsWith(`${year}-`)) e.date = `Tanggal harus di tahun anggaran ${year}.`;
  if (b.description.length < 3) e.description = 'Tulis keterangan pengeluaran, minimal 3 huruf.';
  if (b.vendor && b.vendor.length < 2)
    e.vendor = 'Tulis nama toko atau penjual, minimal 2 huruf, atau kosongkan.';
  const receipt = file && receiptProblem(file);
  if (receipt) e.receipt = receipt;
  return e;
}

const showErrors = (errors, general = '') => showFieldErrors(FIELDS, errors, 'xform-err', general);

function showAmount() {
  const n = parseAmount($('amount').value.trim());
  $('amount-show').textContent = n > 0 ? `= ${rupiah(n)}` : '';
}

function toggleForm(open = $('xform').hidden) {
  $('xform').hidden = !open;
  $('catat').setAttribute('aria-expanded', String(open));
  if (open) {
    $('xresult').hidden = true;
    setBounds();
    $('amount').focus();
  }
}

async function submitExpense(event) {
  event.preventDefault();
  const body = readExpense();
  const file = $('receipt').files[0];
  const errors = validate(body, file);
  showErrors(errors);
  if (Object.keys(errors).length) return;
  $('xsubmit').disabled = true;
  try {
    let receipt;
    if (file) {
      $('receipt-show').textContent = 'Menyiapkan foto…';
      try {
        receipt = await prepareReceipt(file);
      } catch {
        return showErrors({ receipt: UNREADABLE });
      } finally {
        $('receipt-show').textContent = '';
      }
    }
    const item = {
      kind: 'expense',
      key: crypto.randomUUID(),
      rt: rtCode(),
      year,
      body,
      at: new Date().toISOString(),
      state: 'waiting',
      ...(receipt ? { receipt: { state: 'waiting', type: receipt.type, size: receipt.blob.size } } : {}),
    };
    // The file is on the phone before the expense is: a dead battery loses neither.
    if (receipt) await keepReceipt(item.key, receipt);
    saveQueue([item, ...loadQueue()]);
    queueChanged();
    const after = navigator.onLine ? await send(item) : item;
    if (after.state === 'failed') {
      // Answered at once: the chair is still at the form, so the answer goes there.
      dropItem(item.key);
      await forgetReceipt(item.key);
      queueChanged();
      const e = after.error ?? {};
      if (after.status === 400 && e.issues)
        return showErrors(...issuesByField(FIELDS, SERVER_FIELD, e.issues));
      if (e.error === 'InsufficientFunds') {
        return showErrors({
          amount: `Saldo tidak cukup. Sisa dana ${rupiah(e.available ?? 0)}; pengeluaran tidak dicatat.`,
        });
      }
      return showErrors({}, failureText(after));
    }
    $('xform').reset();
    showAmount();
    toggleForm(false);
    showResult(after);
  } finally {
    $('xsubmit').disabled = false;
  }
}

function failureText(item) {
  const e = item.error ?? {};
  if (e.error === 'InsufficientFunds')
    return `Saldo tidak cukup: sisa dana ${rupiah(e.available ?? 0)}. Pengeluaran tidak dicatat.`;
  if (e.error === 'IdempotencyKeyReused')
    return 'Kiriman ini bentrok dengan kiriman lain. Catat ulang pengeluarannya.';
  if (e.error === 'ValidationError') {
    const issues = (e.issues ?? []).map((i) => SERVER_FIELD[i.path] ?? `Periksa isian ini: ${i.message}`);
    return `Isian ditolak: ${issues.join(' ')}`;
  }
  if (item.status === 403) return 'Akun Anda tidak berhak mencatat pengeluaran RT ini.';
  return `Pengeluaran ditolak (kode ${item.status}).`;
}

// ---------- expenses sent from this phone

const STATE = { waiting: ['Menunggu sinyal', 'wait'], done: ['Tercatat', 'ok'], failed: ['Gagal', 'bad'] };
const TITLE = {
  waiting: 'Pengeluaran disimpan di HP ini',
  done: 'Pengeluaran tercatat',
  failed: 'Pengeluaran tidak tercatat',
};

function queuedReceiptLine(item) {
  const r = item.receipt;
  if (item.state === 'waiting')
    return meta('Foto kuitansi tersimpan; diunggah setelah pengeluaran tercatat.');
  if (uploading.has(item.key)) return meta('Mengunggah kuitansi…');
  if (r.state === 'done') return meta(el('span', { class: 'yes' }, 'Kuitansi ✓ terunggah'));
  return el(
    'div',
    {},
    r.state === 'waiting'
      ? meta('Kuitansi menunggu sinyal; diunggah otomatis.')
      : el('p', { class: 'err' }, `Kuitansi gagal diunggah. ${r.error ?? ''}`),
    el(
      'div',
      { class: 'actions' },
      el(
        'button',
        { type: 'button', class: 'small', onclick: () => retryQueued(item.key) },
        'Coba lagi unggah',
      ),
    ),
  );
}

/** One expense from this phone; `current`: the result just after submitting, when its balance is today's. */
function expenseCard(item, current = false) {
  const b = item.body;
  return [
    el(
      'div',
      { class: 'row' },
      el('strong', {}, b.description),
      badge(sending.has(item.key) ? ['Mengirim…', 'wait'] : STATE[item.state]),
    ),
    meta(`${CATEGORY[b.category] ?? b.category} · ${rupiah(b.amount)} · ${fmtDay(b.date)}`),
    item.state === 'waiting' &&
      meta(sending.has(item.key) ? 'Sedang mengirim…' : 'Akan dikirim otomatis saat ada sinyal.'),
    item.state === 'done' &&
      el(
        'p',
        { class: 'saldo-after' },
        `${current ? 'Saldo sekarang' : 'Saldo setelah dicatat:'} ${rupiah(item.result.balance)}`,
      ),
    item.state === 'done' &&
      masked(item) &&
      meta('Di laporan umum, NIK dan nomor HP pada keterangan atau toko disamarkan.'),
    item.state === 'failed' && el('p', { class: 'err' }, failureText(item)),
    item.receipt && item.state !== 'failed' && queuedReceiptLine(item),
  ];
}

/** Whether the public report shows this expense's text otherwise than the chair wrote it (numbers masked). */
function masked(item) {
  const shown = item.result?.entry;
  if (!shown) return false;
  return (
    shown.description !== item.body.description.trim() ||
    (shown.vendor ?? '') !== (item.body.vendor ?? '').trim()
  );
}

function renderResult(item) {
  $('xresult').replaceChildren(el('h2', {}, TITLE[item.state]), ...expenseCard(item, true).filter(Boolean));
  $('xresult').dataset.key = item.key;
}

function showResult(item) {
  renderResult(item);
  $('xresult').hidden = false;
  $('xresult').focus();
}

// Settled expenses are in the list below: here only what is unsettled, or settled within the day.
const unsettled = (i) => pending(i) || i.state === 'failed' || i.receipt?.state === 'failed';
const recent = (i) => unsettled(i) || Date.now() - Date.parse(i.sentAt ?? i.at) < 86_400_000;

function renderFundQueue() {
  const mine = loadQueue().filter((i) => i.rt === rtCode() && kindOf(i) === 'expense' && recent(i));
  $('xqueue-title').hidden = mine.length === 0;
  $('xqueue').replaceChildren(
    ...mine.map((item) =>
      el(
        'li',
        { 'data-key': item.key },
        ...expenseCard(item),
        meta(`Dibuat ${fmtTime(item.at)}`),
        item.state === 'failed' &&
          el(
            'button',
            {
              type: 'button',
              class: 'small secondary',
              onclick: async () => {
                dropItem(item.key);
                await forgetReceipt(item.key);
                queueChanged();
              },
            },
            'Hapus dari daftar',
          ),
      ),
    ),
  );
  const current = mine.find((i) => i.key === $('xresult').dataset.key);
  if (current && !$('xresult').hidden) renderResult(current);
  if (shown()) renderEntries();
}

/** What still waits on this phone, for the sign-in page: ["2 pengeluaran", "1 kuitansi"]. */
export function queuedParts() {
  const mine = loadQueue().filter((i) => kindOf(i) === 'expense');
  const expenses = mine.filter((i) => i.state === 'waiting').length;
  const receipts = mine.filter((i) => i.state === 'done' && i.receipt?.state === 'waiting').length;
  return [expenses && `${expenses} pengeluaran`, receipts && `${receipts} kuitansi`].filter(Boolean);
}

// ---------- start

export function initFund() {
  defineKind('expense', {
    path: (item) => `${fundPath(item.rt, item.year)}/expenses`,
    sent: (item) => {
      if (item.receipt) uploadQueued(item.key);
      refreshFor(item);
    },
  });
  onQueueChange(renderFundQueue);
  onFlushed(uploadWaitingReceipts);
  const now = Number(todayWib().slice(0, 4));
  $('tahun').replaceChildren(
    el('option', { value: String(now) }, `${now} (tahun ini)`),
    el('option', { value: String(now - 1) }, String(now - 1)),
  );
  $('tahun').addEventListener('change', () => {
    year = Number($('tahun').value);
    uploads.clear();
    reversing.clear();
    showDana();
  });
  $('category').append(...Object.entries(CATEGORY).map(([c, label]) => el('option', { value: c }, label)));
  $('catat').addEventListener('click', () => toggleForm());
  $('xform').addEventListener('submit', submitExpense);
  $('xform').addEventListener('input', (e) => {
    if (e.target.id === 'amount') showAmount();
    if (!FIELDS.includes(e.target.id)) return;
    $(`${e.target.id}-err`).textContent = '';
    e.target.removeAttribute('aria-invalid');
  });
  // The typed amount, written as the city writes it once the chair moves on: 1500000 → 1.500.000.
  $('amount').addEventListener('blur', () => {
    const n = parseAmount($('amount').value.trim());
    if (n > 0) $('amount').value = new Intl.NumberFormat('id-ID').format(n);
  });
  $('receipt').addEventListener('change', () => {
    const file = $('receipt').files[0];
    const mb = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 }).format(
      (file?.size ?? 0) / 1048576,
    );
    $('receipt-show').textContent = file ? `${file.name} (${mb} MB)` : '';
  });
  $('dana-more').addEventListener('click', () => loadFund({ more: true }));
  $('pick').addEventListener('change', picked);
  addEventListener('online', () => shown() && loadFund());
  cleanReceipts();
}
