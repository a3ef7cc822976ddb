// Home visits (Kunjungan rumah): the chair asks the puskesmas to visit a resident who cannot come (from the
// residents list or a picker here), through the same offline queue as letters; the answer names the puskesmas and
// the resident's JKN, or the request still open, or that no puskesmas serves the kelurahan yet. Below, the RT's
// requests with their status, days waited and the next visit's day; one opened shows its visits, trips and
// history. The note goes to the puskesmas only: the API never shows it to a chair, and this phone forgets it once
// the request is sent.
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
  kindOf,
  loadQueue,
  loadResidents,
  onQueueChange,
  rtCode,
  saveQueue,
  send,
  sending,
  showFieldErrors,
  state,
} from './lib.js';

export const NEED = {
  ELDERLY_IMMOBILE: 'Lansia tidak bisa bepergian',
  DISABILITY: 'Penyandang disabilitas',
  CHRONIC_IMMOBILE: 'Sakit kronis, tidak bisa bergerak',
  MALNUTRITION: 'Anak gizi buruk',
  HIGH_RISK_PREGNANCY: 'Ibu hamil risiko tinggi',
};
const STATUS = {
  REQUESTED: ['Menunggu jadwal', 'wait'],
  SCHEDULED: ['Terjadwal', 'ok'],
  VISITED: ['Sudah dikunjungi', 'ok'],
  CLOSED: ['Selesai', 'none'],
  DECLINED: ['Ditolak', 'bad'],
};
const VISIT = { SCHEDULED: 'Terjadwal', DONE: 'Sudah dilakukan', NOT_DONE: 'Tidak jadi' };
const TRIP = { BOOKED: 'Ambulans dipesan', NO_UNIT: 'Belum ada ambulans', CANCELLED: 'Dibatalkan' };
const ACTION = {
  REQUESTED: 'Permintaan dikirim',
  VISIT_SCHEDULED: 'Kunjungan dijadwalkan',
  VISIT_RESCHEDULED: 'Kunjungan dijadwalkan ulang',
  VISIT_NOT_DONE: 'Kunjungan tidak jadi',
  VISITED: 'Sudah dikunjungi',
  SCHEDULED: 'Terjadwal',
  CLOSED: 'Selesai',
  DECLINED: 'Ditolak',
  TRIP_BOOKED: 'Ambulans dipesan',
  TRIP_MOVED: 'Ambulans diganti (dipakai 112)',
  TRIP_NO_UNIT: 'Belum ada ambulans',
  TRIP_CANCELLED: 'Perjalanan dibatalkan',
};
// The form's fields; the server names the resident `nik`.
const FIELDS = ['resident', 'need', 'note', 'address'];
const PATH = { nik: 'resident', need: 'need', note: 'note', address: 'address' };
// What the server's (English) ValidationError means, per field.
const SERVER_FIELD = {
  resident: 'NIK warga ini tidak sah. Pilih warga dari daftar.',
  need: 'Pilih kebutuhan warga.',
  note: 'Catatan ditolak: tulis 3 sampai 1000 huruf, tanpa tanda aneh dari teks yang ditempel. Hapus lalu ketik ulang.',
  address: 'Alamat ditolak: satu baris, 5 sampai 200 huruf, tanpa tanda aneh dari teks yang ditempel.',
};

/** The RT's residents for the picker, loaded once per visit of the page. */
let residents = [];
let residentsFresh = false;
/** The RT whose residents the picker holds and whose request the form may hold. */
let formRt = '';
let residentsRun = 0;
/** The resident the chair chose on the residents list, to preselect. */
let asked = null;
/** The chosen location: { lat, lon, accuracy }. */
let spot = null;
let listCursor = null;
let listRun = 0;
let letter = () => undefined;

const shown = () => !$('p-rumah').hidden;
const meta = (...kids) => el('div', { class: 'meta' }, ...kids);
const nameOf = (nik) => residents.find((r) => r.nik === nik)?.name ?? '';
const jkn = (c) => (c?.covered ? ['JKN aktif', 'ok'] : ['JKN tidak aktif', 'bad']);
/** Gone from the RT's care (died, moved out of the city): no visit is asked for them. */
const gone = (r) => !!(r.deceasedOn || r.movedOutOn);

// ---------- the page

/** From the residents list: this page, with the form open for that resident. */
export function askVisit(r) {
  asked = r;
  location.hash = '#/rumah';
}

/** Shows the page; true when it has put the focus itself (the form, opened for a resident). */
export function showRumah() {
  if (formRt !== rtCode()) {
    // Another chair on this phone: nothing the last one chose or typed stays in the form.
    formRt = rtCode();
    residents = [];
    resetForm();
    pickerWith(null);
    toggleForm(false);
  }
  // Loaded again on each visit: a resident registered meanwhile (by a letter) is in the picker.
  residentsFresh = false;
  // The answer to a request belongs to the visit it was sent in; by now the list below says more.
  $('hresult').hidden = true;
  renderQueue();
  showList();
  if (asked) {
    const r = asked;
    asked = null;
    toggleForm(true, r);
    return true;
  }
  if (!$('hform').hidden) loadPicker();
  return false;
}

function toggleForm(open = $('hform').hidden, r = null) {
  $('hform').hidden = !open;
  $('minta').setAttribute('aria-expanded', String(open));
  if (!open) return;
  $('hresult').hidden = true;
  if (r) {
    resetForm();
    pickerWith(r);
    $('resident').value = r.nik;
    $('need').focus();
  } else $('resident').focus();
  loadPicker();
}

function resetForm() {
  $('hform').reset();
  showErrors({});
  setSpot(null);
}

// ---------- the resident picker

/** The options: the RT's residents still in its care, and at least the one chosen on the residents list. */
function pickerWith(extra) {
  const list = residents.filter((r) => !gone(r));
  if (extra && !list.some((r) => r.nik === extra.nik)) list.unshift(extra);
  const chosen = $('resident').value;
  $('resident').replaceChildren(
    el('option', { value: '' }, '— pilih warga —'),
    ...list.map((r) => el('option', { value: r.nik }, `${r.name} · NIK ${r.nik}`)),
  );
  if (list.some((r) => r.nik === chosen)) $('resident').value = chosen;
  if (extra && !residents.some((r) => r.nik === extra.nik)) residents.unshift(extra);
}

async function loadPicker() {
  const rt = rtCode();
  if (!rt || residentsFresh) return;
  const run = ++residentsRun;
  const loaded = [];
  $('resident-hint').textContent = 'Memuat daftar warga…';
  try {
    await loadResidents(rt, (items) => {
      if (run !== residentsRun) return false;
      loaded.push(...items);
    });
    if (run !== residentsRun || rt !== formRt) return;
    const chosen = residents.find((r) => r.nik === $('resident').value);
    residents = loaded;
    residentsFresh = true;
    pickerWith(chosen);
    $('resident-hint').textContent = residents.length ? '' : 'Belum ada warga terdaftar di RT ini.';
  } catch (error) {
    if (run !== residentsRun) return;
    const why = failed(error);
    $('resident-hint').textContent = why && `Daftar warga tidak dapat dimuat. ${why}`;
  }
}

// ---------- the location

function setSpot(value) {
  spot = value;
  $('loc-clear').hidden = !spot;
  $('loc-show').textContent = spot
    ? `Lokasi tersimpan: ${spot.lat.toFixed(5)}, ${spot.lon.toFixed(5)}` +
      (spot.accuracy ? ` (±${Math.round(spot.accuracy)} m)` : '')
    : 'Tekan saat Anda berada di rumah warga. Lokasi membantu petugas menemukan rumahnya.';
}

function locate() {
  if (!navigator.geolocation) {
    $('loc-show').textContent = 'HP ini tidak bisa memberi lokasi. Tulis alamatnya saja.';
    return;
  }
  $('loc').disabled = true;
  $('loc-show').textContent = 'Mencari lokasi…';
  navigator.geolocation.getCurrentPosition(
    (p) => {
      $('loc').disabled = false;
      const round = (n) => Math.round(n * 1e6) / 1e6;
      setSpot({ lat: round(p.coords.latitude), lon: round(p.coords.longitude), accuracy: p.coords.accuracy });
    },
    (e) => {
      $('loc').disabled = false;
      $('loc-show').textContent =
        e.code === 1
          ? 'Izin lokasi ditolak. Izinkan lokasi untuk halaman ini di pengaturan browser, atau tulis alamatnya saja.'
          : 'Lokasi tidak ditemukan. Coba lagi di tempat terbuka, atau tulis alamatnya saja.';
    },
    { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
  );
}

// ---------- asking for a visit

function readForm() {
  const body = { nik: $('resident').value, need: $('need').value, note: $('note').value.trim() };
  const address = $('address').value.trim();
  if (address) body.address = address;
  if (spot) body.location = { lat: spot.lat, lon: spot.lon };
  return body;
}

function validate(b) {
  const e = {};
  if (!b.nik) e.resident = 'Pilih warga yang perlu dikunjungi.';
  if (!b.need) e.need = 'Pilih kebutuhan warga.';
  // Counted as the server counts: one letter typed two ways is one letter.
  const note = b.note.normalize('NFC').length;
  if (note < 3) e.note = 'Tulis catatan untuk puskesmas, minimal 3 huruf.';
  else if (note > 1000) e.note = 'Catatan paling panjang 1000 huruf.';
  const address = (b.address ?? '').normalize('NFC').length;
  if (b.address && address < 5) e.address = 'Tulis alamat minimal 5 huruf, atau kosongkan.';
  else if (address > 200) e.address = 'Alamat paling panjang 200 huruf.';
  return e;
}

const showErrors = (errors, general = '') => showFieldErrors(FIELDS, errors, 'hform-err', general);

/** A server 400 beside the fields it names (its `nik` is the picker). */
function serverErrors(issues = []) {
  const named = issues.map((i) => {
    const [head, ...rest] = String(i.path ?? '').split('.');
    return PATH[head] ? { ...i, path: [PATH[head], ...rest].join('.') } : i;
  });
  const [errors, general] = issuesByField(FIELDS, SERVER_FIELD, named);
  showErrors(errors, general);
}

async function submit(event) {
  event.preventDefault();
  $('hresult').hidden = true;
  const body = readForm();
  const errors = validate(body);
  showErrors(errors);
  if (Object.keys(errors).length) return;
  const item = {
    kind: 'homecare',
    key: crypto.randomUUID(),
    rt: rtCode(),
    name: nameOf(body.nik),
    body,
    at: new Date().toISOString(),
    state: 'waiting',
  };
  saveQueue([item, ...loadQueue()]);
  renderQueue();
  $('hsubmit').disabled = true;
  const after = navigator.onLine ? await send(item) : item;
  $('hsubmit').disabled = false;
  if (after.state === 'failed') {
    // Answered at once: the chair is still at the form, so the answer goes there and the form keeps what was typed.
    dropItem(item.key);
    renderQueue();
    if (after.status === 400 && after.error?.issues) return serverErrors(after.error.issues);
    return showResult(after);
  }
  resetForm();
  toggleForm(false);
  showResult(after);
}

/** Why a request was refused, in the chair's words (a 409 and a 201 have their own cards). */
function failureText(item) {
  const e = item.error ?? {};
  if (e.error === 'NoPuskesmas') {
    const where = state.session?.place ?? `kelurahan ${e.kelurahan ?? ''}`;
    return `Belum ada puskesmas yang melayani kunjungan rumah di ${where}. Hubungi Dinas Kesehatan kota.`;
  }
  if (e.error === 'IdempotencyKeyReused')
    return 'Kiriman ini bentrok dengan kiriman lain. Kirim ulang permintaannya.';
  if (e.error === 'ValidationError') {
    const issues = (e.issues ?? []).map(
      (i) => SERVER_FIELD[PATH[String(i.path).split('.')[0]]] ?? `Periksa isian ini: ${i.message}`,
    );
    return `Isian ditolak: ${issues.join(' ')}`;
  }
  if (item.status === 403)
    return 'Warga ini terdaftar di RT lain, atau akun Anda tidak berhak meminta kunjungan untuknya.';
  if (item.status === 404) return 'Warga ini tidak ada di daftar penduduk kota. Periksa NIK-nya.';
  return `Permintaan ditolak (kode ${item.status}).`;
}

const STATE = { waiting: ['Menunggu sinyal', 'wait'], done: ['Terkirim', 'ok'], failed: ['Gagal', 'bad'] };

/** The title of a request's card: what became of it. */
function title(item) {
  if (item.state === 'waiting') return 'Permintaan disimpan di HP ini';
  if (item.state === 'done') return `Permintaan dikirim ke ${item.result.puskesmas?.name ?? 'puskesmas'}`;
  if (item.error?.error === 'Conflict') return 'Sudah ada permintaan yang masih terbuka';
  if (item.error?.error === 'NoPuskesmas') return 'Belum ada puskesmas untuk kelurahan ini';
  return 'Permintaan tidak terkirim';
}

/** What follows from a request's answer: the JKN and what to do about it, the open request, or why it failed. */
function outcome(item) {
  if (item.state === 'waiting') {
    return [meta(sending.has(item.key) ? 'Sedang mengirim…' : 'Akan dikirim otomatis saat ada sinyal.')];
  }
  if (item.state === 'done') {
    const r = item.result;
    return [
      meta('Jaminan kesehatan: ', badge(jkn(r.coverage))),
      r.coverage?.covered
        ? meta('Puskesmas akan menjadwalkan kunjungan. Jadwalnya tampil di daftar di bawah.')
        : el(
            'div',
            {},
            el(
              'p',
              { class: 'meta' },
              `JKN ${item.name || 'warga ini'} tidak aktif. Buat surat keterangan agar jaminan kesehatannya langsung aktif sebelum petugas datang.`,
            ),
            el(
              'div',
              { class: 'actions' },
              el(
                'button',
                { type: 'button', class: 'small', onclick: () => letter(residentFor(item)) },
                'Buat surat keterangan',
              ),
            ),
          ),
    ];
  }
  const open = openRequest(item);
  if (open) {
    return [
      meta(
        [open.puskesmas?.name, open.requestedAt && `diminta ${fmtTime(open.requestedAt)}`]
          .filter(Boolean)
          .join(' · '),
      ),
      el(
        'p',
        { class: open.nextVisit?.date ? 'when' : 'meta' },
        open.nextVisit?.date
          ? `Kunjungan berikutnya: ${fmtDayLong(open.nextVisit.date)}`
          : 'Belum ada jadwal kunjungan. Puskesmas akan menjadwalkannya.',
      ),
      meta('Permintaan baru tidak perlu dikirim.'),
    ];
  }
  return [el('p', { class: 'err' }, failureText(item))];
}

/** The request still open for the same resident and need, when that is why this one was refused (409). */
const openRequest = (item) => (item.error?.error === 'Conflict' ? item.error.request : null);

/** The resident a request was for, for the letter form (as much as this phone knows). */
const residentFor = (item) =>
  residents.find((r) => r.nik === item.body.nik) ?? { nik: item.body.nik, name: item.name };

function itemHead(item) {
  return el(
    'div',
    { class: 'row' },
    el('strong', {}, item.name || `NIK ${item.body.nik}`),
    badge(
      sending.has(item.key)
        ? ['Mengirim…', 'wait']
        : // Refused for one already open: that one's status, not a failure.
          (STATUS[openRequest(item)?.status] ?? STATE[item.state]),
    ),
  );
}

function renderResult(item) {
  $('hresult').replaceChildren(
    el('h2', {}, title(item)),
    itemHead(item),
    meta(NEED[item.body.need] ?? item.body.need),
    ...outcome(item),
  );
  $('hresult').dataset.key = item.key;
}

function showResult(item) {
  renderResult(item);
  $('hresult').hidden = false;
  $('hresult').focus();
}

// ---------- requests sent from this phone

function renderQueue() {
  forgetNotes();
  const all = loadQueue().filter((i) => i.rt === rtCode() && kindOf(i) === 'homecare');
  // What was sent is in the RT's list below: here only what waits or was refused.
  const mine = all.filter((i) => i.state !== 'done');
  $('hqueue-title').hidden = mine.length === 0;
  $('hqueue').replaceChildren(
    ...mine.map((item) =>
      el(
        'li',
        { 'data-key': item.key },
        itemHead(item),
        meta(`${NEED[item.body.need] ?? item.body.need} · dibuat ${fmtTime(item.at)}`),
        item.state !== 'waiting' && meta(title(item)),
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
  // The result card follows its request when it is sent in the background.
  const current = all.find((i) => i.key === $('hresult').dataset.key);
  if (current && !$('hresult').hidden) renderResult(current);
}

/** The note is the puskesmas's: once a request is settled, this phone keeps no copy of it. */
function forgetNotes() {
  const items = loadQueue();
  if (!items.some((i) => kindOf(i) === 'homecare' && i.state !== 'waiting' && 'note' in i.body)) return;
  saveQueue(
    items.map((i) => {
      if (kindOf(i) !== 'homecare' || i.state === 'waiting' || !('note' in i.body)) return i;
      const { note: _sent, ...body } = i.body;
      return { ...i, body };
    }),
  );
}

/** What still waits on this phone, for the sign-in page: ["1 permintaan kunjungan"]. */
export function queuedVisits() {
  const n = loadQueue().filter((i) => kindOf(i) === 'homecare' && i.state === 'waiting').length;
  return n ? [`${n} permintaan kunjungan`] : [];
}

// ---------- the RT's requests

function showList() {
  $('hlist').replaceChildren();
  listCursor = null;
  loadList(++listRun);
}

async function loadList(run) {
  $('hmore').hidden = true;
  $('hlist-msg').textContent = 'Memuat…';
  try {
    const status = $('hfilter').value;
    const q = new URLSearchParams({
      limit: '20',
      ...(status ? { status } : {}),
      ...(listCursor ? { cursor: listCursor } : {}),
    });
    const res = await api(`/homecare/requests?${q}`);
    if (!res.ok) throw new Error(String(res.status));
    const page = await res.json();
    if (run !== listRun) return;
    $('hlist').append(...page.items.map(requestItem));
    listCursor = page.cursor;
    $('hmore').hidden = !page.cursor;
    $('hlist-msg').textContent = $('hlist').children.length
      ? ''
      : status
        ? 'Tidak ada permintaan seperti ini.'
        : 'Tidak ada permintaan kunjungan rumah yang masih berjalan di RT ini.';
  } catch (error) {
    if (run !== listRun) return;
    $('hlist-msg').textContent = failed(error);
    $('hmore').hidden = !listCursor;
  }
}

/** How long the resident has waited, or waited, for the first visit. */
function waited(r) {
  const n = r.daysWaited ?? 0;
  if (r.firstVisitOn) return `Dikunjungi pertama ${fmtDayLong(r.firstVisitOn)}, setelah menunggu ${n} hari`;
  // Ended before any visit: when it was asked for says enough.
  if (!r.waitingForFirstVisit) return `Diminta ${fmtTime(r.requestedAt)}`;
  return n ? `Sudah menunggu ${n} hari` : 'Diminta hari ini';
}

function requestItem(r) {
  const details = el('div', { id: `hd-${r.id}`, class: 'details', hidden: true });
  const toggle = el(
    'button',
    {
      type: 'button',
      class: 'small secondary',
      'aria-expanded': 'false',
      'aria-controls': details.id,
      onclick: () => toggleDetails(r, toggle, details),
    },
    'Lihat rincian',
  );
  return el(
    'li',
    { 'data-id': r.id },
    el('div', { class: 'row' }, el('strong', {}, r.name), badge(STATUS[r.status] ?? [r.status, 'none'])),
    meta(NEED[r.need] ?? r.need),
    r.nextVisit?.date && el('p', { class: 'when' }, `Jadwal kunjungan: ${fmtDayLong(r.nextVisit.date)}`),
    meta(waited(r)),
    meta(
      `${r.puskesmas?.name ?? ''} · `,
      badge(jkn(r.coverage)),
      r.visitsDone ? ` · ${r.visitsDone} kali dikunjungi` : '',
    ),
    el('div', { class: 'actions' }, toggle),
    details,
  );
}

async function toggleDetails(r, toggle, details) {
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  details.hidden = !open;
  if (!open) return;
  details.replaceChildren(meta('Memuat…'));
  try {
    const res = await api(`/homecare/requests/${encodeURIComponent(r.id)}`);
    if (!res.ok) throw new Error(String(res.status));
    details.replaceChildren(...detailParts(await res.json()));
  } catch (error) {
    details.replaceChildren(meta(failed(error) || 'Gagal memuat.'));
  }
}

/** A timeline's detail: a day written out, a need by its name, or the words as they are (a reason). */
function detailText(d) {
  if (!d) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(d)) return fmtDayLong(d);
  return NEED[d] ?? d;
}

function detailParts(d) {
  const h = (text) => el('h3', {}, text);
  const parts = [];
  if (d.reason) parts.push(el('p', { class: 'meta' }, `Alasan: ${d.reason}`));
  if (d.address) parts.push(meta(`Alamat: ${d.address}`));
  parts.push(meta(`Diminta ${fmtTime(d.requestedAt)}`));
  parts.push(h('Kunjungan'));
  parts.push(
    d.visits?.length
      ? el(
          'ul',
          { class: 'sub' },
          ...d.visits.map((v) =>
            el(
              'li',
              {},
              el('span', { class: 'day' }, fmtDayLong(v.date)),
              ` · ${VISIT[v.status] ?? v.status}`,
              v.team?.length ? meta(`Petugas: ${v.team.join(', ')}`) : null,
            ),
          ),
        )
      : meta('Belum ada kunjungan terjadwal.'),
  );
  if (d.trips?.length) {
    parts.push(h('Antar-jemput ambulans'));
    parts.push(
      el(
        'ul',
        { class: 'sub' },
        ...d.trips.map((t) =>
          el(
            'li',
            {},
            `${t.leg === 'RETURN' ? 'Pulang dari' : 'Berangkat ke'} ${t.destination} · ${fmtTime(t.pickupAt)}`,
            meta(TRIP[t.status] ?? t.status, t.unitId ? ` · ${t.unitId}` : ''),
          ),
        ),
      ),
    );
  }
  if (d.timeline?.length) {
    parts.push(h('Riwayat'));
    parts.push(
      el(
        'ul',
        { class: 'sub' },
        ...d.timeline.map((e) => {
          const what = ACTION[e.action] ?? (e.to ? STATUS[e.to]?.[0] : null) ?? 'Diperbarui';
          const detail = detailText(e.detail);
          return el('li', {}, `${fmtTime(e.at)}: ${what}${detail ? ` (${detail})` : ''}`);
        }),
      ),
    );
  }
  return parts;
}

// ---------- start

export function initHomecare({ onLetter }) {
  letter = onLetter;
  defineKind('homecare', {
    path: () => '/homecare/requests',
    sent: () => shown() && showList(),
  });
  onQueueChange(renderQueue);
  $('need').append(...Object.entries(NEED).map(([v, label]) => el('option', { value: v }, label)));
  $('minta').addEventListener('click', () => toggleForm());
  $('hform').addEventListener('submit', submit);
  $('hform').addEventListener('input', (e) => {
    if (!FIELDS.includes(e.target.id)) return;
    $(`${e.target.id}-err`).textContent = '';
    e.target.removeAttribute('aria-invalid');
  });
  $('loc').addEventListener('click', locate);
  $('loc-clear').addEventListener('click', () => {
    setSpot(null);
    $('loc').focus();
  });
  $('hfilter').addEventListener('change', showList);
  $('hmore').addEventListener('click', () => loadList(listRun));
  addEventListener('online', () => shown() && showList());
  setSpot(null);
}
