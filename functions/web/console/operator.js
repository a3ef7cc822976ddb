// The 112 call centre's pages (role operator): "Panggilan baru" takes a call from the keyboard alone (Enter moves on,
// Enter on the last field sends), with the server's triage shown as the description is typed and a repeat caller
// flagged; "Papan insiden" is the open incidents, polled about every second (paused while the tab is hidden), with
// dispatch, status moves and cancellation; "Unit" is the units' board and their map (MapLibre: Amazon Location's
// style when config.json names one, else the points on a plain background), each point also in a table.
import {
  api,
  badge,
  dataTable,
  el,
  failure,
  fmtDateTime,
  fmtNumber,
  notice,
  onLeave,
  session,
  state,
} from './lib.js';

export const pages = [
  { hash: '#/panggilan', title: 'Panggilan baru', roles: ['operator'], render: renderCall },
  { hash: '#/papan', title: 'Papan insiden', roles: ['operator'], render: renderBoard },
  { hash: '#/unit', title: 'Unit', roles: ['operator'], render: renderUnits },
];

// ---------- words (the API's codes as the call centre says them)

const TYPES = [
  ['MEDICAL', 'Medis'],
  ['ACCIDENT', 'Kecelakaan'],
  ['FIRE', 'Kebakaran'],
  ['DISASTER', 'Bencana'],
  ['CRIME', 'Kriminal'],
  ['OTHER', 'Lainnya'],
];
const TYPE_LABEL = Object.fromEntries(TYPES);
const KIND_LABEL = {
  AMBULANCE: 'Ambulans',
  FIRE: 'Pemadam kebakaran',
  POLICE: 'Polisi',
  RESCUE: 'Tim penyelamat',
};
const STATUS_LABEL = {
  RECEIVED: 'Diterima, belum ada unit',
  DISPATCHED: 'Unit dikirim',
  ACKNOWLEDGED: 'Diterima unit',
  EN_ROUTE: 'Dalam perjalanan',
  ON_SCENE: 'Di lokasi',
  TRANSPORTING: 'Mengantar pasien',
  AT_FACILITY: 'Di fasilitas kesehatan',
  RESOLVED: 'Selesai',
  CANCELLED: 'Dibatalkan',
};
/** The lifecycle's next steps an operator sets by hand (the server decides: a 409 says what it allows). */
const NEXT_STEPS = {
  ACKNOWLEDGED: ['EN_ROUTE'],
  EN_ROUTE: ['ON_SCENE'],
  ON_SCENE: ['TRANSPORTING', 'RESOLVED'],
  TRANSPORTING: ['AT_FACILITY'],
  AT_FACILITY: ['RESOLVED'],
};
const ASSIGNMENT_LABEL = {
  DISPATCHED: 'menunggu jawaban',
  ACKNOWLEDGED: 'diterima',
  MISSED: 'tidak menjawab',
  CLEARED: 'selesai',
};
/** The staff topics an alert may go to, by who reads them. */
const TOPIC_LABEL = {
  supervisors: 'supervisor',
  responders_ambulance: 'ambulans',
  responders_fire: 'pemadam',
  responders_police: 'polisi',
  responders_rescue: 'penyelamat',
};
const ALERT_LABEL = { PENDING: 'antre', SENDING: 'mengirim', SENT: 'terkirim', FAILED: 'gagal' };
const ALERT_KIND = { PENDING: 'wait', SENDING: 'wait', SENT: 'ok', FAILED: 'bad' };
const UNIT_STATUS_LABEL = { AVAILABLE: 'Siaga', BUSY: 'Bertugas', OFFLINE: 'Tidak aktif' };
const UNIT_STATUS_KIND = { AVAILABLE: 'ok', BUSY: 'wait', OFFLINE: 'none' };
const PRIORITY_KIND = { P1: 'bad', P2: 'wait', P3: 'none' };
/** Which triage rule decided, in the operator's words. */
const RULE_LABEL = {
  OPERATOR: 'ditentukan operator',
  FIRE: 'kebakaran',
  DISASTER: 'bencana',
  UNCONSCIOUS: 'korban tidak sadar',
  NOT_BREATHING: 'korban tidak bernapas',
  HEAVY_BLEEDING: 'perdarahan hebat',
  MEDICAL: 'laporan medis',
  ACCIDENT: 'kecelakaan',
  CRIME: 'kriminal',
  OTHER: 'laporan lain: unit dikirim manual',
};

const time = new Intl.DateTimeFormat('id-ID', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Asia/Jakarta',
});
/** "14.05.09" in WIB. */
const fmtTime = (iso) => (iso ? time.format(new Date(iso)).replaceAll(':', '.') : '');
/** "3 mnt lalu". */
function ago(iso, now = Date.now()) {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} dtk lalu`;
  if (s < 3600) return `${Math.floor(s / 60)} mnt lalu`;
  return `${Math.floor(s / 3600)} jam ${Math.floor((s % 3600) / 60)} mnt lalu`;
}
/** "0:42" left of a window. */
const mmss = (ms) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const fmtMetres = (m) =>
  m >= 1000 ? `${(m / 1000).toLocaleString('id-ID', { maximumFractionDigits: 1 })} km` : `${fmtNumber(m)} m`;
const fmtCoord = (n) => n.toLocaleString('id-ID', { minimumFractionDigits: 5, maximumFractionDigits: 5 });

/** The acknowledgement window (ACK_TIMEOUT_SECONDS), when config.json carries it; 60 s as the server's default. */
const ackWindowMs = () =>
  (Number(state.cfg.ackTimeoutSeconds) > 0 ? Number(state.cfg.ackTimeoutSeconds) : 60) * 1000;
/** The repeat-caller window (INCIDENT_LINK_MINUTES / _METERS), when config.json carries it; else the defaults. */
const linkMinutes = () =>
  Number(state.cfg.incidentLinkMinutes) >= 0 ? Number(state.cfg.incidentLinkMinutes ?? 10) : 10;
const linkMeters = () =>
  Number(state.cfg.incidentLinkMeters) >= 0 ? Number(state.cfg.incidentLinkMeters ?? 300) : 300;

/** A caller's number as the server keeps it (+62…), or null: the same rule as the API's callerPhone. */
function normalPhone(value) {
  const digits = String(value).replace(/[\s().-]/g, '');
  const national = /^\+62/.test(digits) ? digits.slice(3) : /^0/.test(digits) ? digits.slice(1) : undefined;
  return national !== undefined && /^[1-9]\d{6,12}$/.test(national) ? `+62${national}` : null;
}

/** "-1.61, 103.61", "-1.61 103.61" or, with decimal commas, "-1,61; 103,61" / "-1,61 103,61": {lat, lon}, or null. */
function parseCoords(value) {
  const t = String(value).trim();
  const m =
    /^([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)$/.exec(t) ??
    /^([-+]?\d+(?:,\d+)?)\s*[;\s]\s*([-+]?\d+(?:,\d+)?)$/.exec(t);
  if (!m) return null;
  const lat = Number(m[1].replace(',', '.'));
  const lon = Number(m[2].replace(',', '.'));
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

/** Great-circle metres, for the repeat caller's hint (the server decides the link with the same measure). */
function distanceM(a, b) {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return Math.round(2 * 6_371_000 * Math.asin(Math.sqrt(h)));
}

/** A key for one submission: kept while the same report is sent again (a retry), new for a changed one. */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Why a write was refused, plainly (the API's 409s name the state and what is allowed). */
function refusal(res, what) {
  const b = res.body ?? {};
  if (res.status === 409 && b.reason === 'NoUnitAvailable') {
    return `${what}: tidak ada unit ${KIND_LABEL[b.kind] ?? b.kind ?? ''} yang siaga sekarang.`;
  }
  if (res.status === 409 && b.reason === 'UnitNotAvailable') return `${what}: unit itu sedang tidak siaga.`;
  if (res.status === 409 && b.from && b.to) {
    const allowed = (b.allowed ?? []).map((s) => STATUS_LABEL[s] ?? s).join(', ') || 'tidak ada';
    return `${what}: insiden berstatus "${STATUS_LABEL[b.from] ?? b.from}" tidak bisa menjadi "${STATUS_LABEL[b.to] ?? b.to}". Yang boleh: ${allowed}.`;
  }
  if (res.status === 409 && b.status) return `${what}: insiden sudah ${STATUS_LABEL[b.status] ?? b.status}.`;
  if (res.status === 409) return `${what}: ditolak karena keadaan berubah (${b.message ?? 'konflik'}).`;
  if (res.status === 0) return `${what}: tidak terkirim, periksa koneksi lalu coba lagi.`;
  return failure(res, what);
}

/** The page's own few rules (the map's box, the board's columns), once. */
function ensureStyles() {
  if (document.getElementById('operator-css')) return;
  document.head.append(
    el(
      'style',
      { id: 'operator-css' },
      `.op-call{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem;align-items:start}
.op-call textarea{min-height:4.2rem}
.op-grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:0 1rem}
.op-triage{font-size:1.05rem}
.op-triage .badge{font-size:.95rem}
.op-flag{background:#fff4d6;border-left:4px solid #9a6700;padding:.5rem .75rem;border-radius:4px;margin:0 0 .9rem}
.op-flag:empty{display:none}
table.op-board td{font-size:.92rem}
table.op-board td .meta{display:block}
table.op-board td.act{white-space:normal}
table.op-board td.act .actions{margin:0;flex-direction:column;align-items:stretch}
table.op-board td.act select{width:100%;min-height:2rem;padding:0 .3rem}
table.op-board ul{list-style:none;margin:0;padding:0}
table.op-board li{margin:0 0 .2rem}
.op-late{color:#8c1d17;font-weight:700}
.op-block{display:block}
.op-map{height:460px;border:1px solid #d3dae3;border-radius:6px;background:#e9eef2;margin:0 0 .5rem}
.op-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:1180px){.op-call{grid-template-columns:minmax(0,1fr)}}`,
    ),
  );
}

// ---------- Panggilan baru

/** The open incidents, shared by the call form's repeat-caller check (read at most every few seconds). */
let openCache = { at: 0, items: null };
async function openIncidents(maxAgeMs = 3000) {
  if (openCache.items && Date.now() - openCache.at < maxAgeMs) return openCache.items;
  const res = await api('/incidents?status=open');
  if (res.status !== 200) return openCache.items ?? [];
  openCache = { at: Date.now(), items: res.body.items };
  return openCache.items;
}

/** Whether POST /incidents/triage answers here (null: not asked yet). */
let previewRoute = null;

async function renderCall(main) {
  ensureStyles();
  const operator = session()?.roles.includes('operator');
  const field = (id, label, control, hint) =>
    el(
      'div',
      { class: 'f' },
      el('label', { for: id }, label),
      control,
      hint ? el('small', { id: `${id}-hint` }, hint) : null,
      el('p', { class: 'err', id: `${id}-err` }),
    );
  const phone = el('input', {
    id: 'c-phone',
    name: 'callerPhone',
    type: 'tel',
    autocomplete: 'off',
    inputMode: 'tel',
    required: true,
    'aria-describedby': 'c-phone-hint c-phone-err',
  });
  const type = el(
    'select',
    { id: 'c-type', name: 'type', 'aria-describedby': 'c-type-err' },
    ...TYPES.map(([value, label]) => el('option', { value }, label)),
  );
  const description = el('textarea', {
    id: 'c-desc',
    name: 'description',
    rows: 3,
    maxLength: 1000,
    required: true,
    'aria-describedby': 'c-desc-hint c-desc-err',
  });
  const address = el('input', {
    id: 'c-address',
    name: 'address',
    autocomplete: 'off',
    maxLength: 200,
    'aria-describedby': 'c-address-err',
  });
  const coords = el('input', {
    id: 'c-coords',
    name: 'coords',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'c-coords-hint c-coords-err',
  });
  const nik = el('input', {
    id: 'c-nik',
    name: 'patientNik',
    inputMode: 'numeric',
    autocomplete: 'off',
    maxLength: 16,
    'aria-describedby': 'c-nik-hint c-nik-err',
  });
  const priority = el(
    'select',
    { id: 'c-priority', name: 'priority', 'aria-describedby': 'c-priority-hint c-priority-err' },
    el('option', { value: '' }, 'Otomatis (triase)'),
    el('option', { value: 'P1' }, 'P1 — nyawa terancam'),
    el('option', { value: 'P2' }, 'P2 — darurat'),
    el('option', { value: 'P3' }, 'P3 — tidak mendesak'),
  );
  const fields = [phone, type, description, address, coords, nik, priority];
  const triageLine = el('p', { id: 'c-triage', class: 'op-triage', 'aria-live': 'polite' });
  const repeatFlag = el('div', { id: 'c-repeat', class: 'op-flag', role: 'status' });
  const result = el('div', { id: 'c-result', 'aria-live': 'polite' });
  const send = el('button', { type: 'submit', id: 'c-send' }, 'Kirim laporan');
  const form = el(
    'form',
    { id: 'call-form', class: 'card', 'aria-labelledby': 'call-title', novalidate: true },
    el('h2', { id: 'call-title' }, 'Laporan penelepon'),
    el(
      'p',
      { class: 'hint', id: 'call-keys' },
      'Enter pindah ke isian berikut; Enter di isian terakhir (atau Ctrl+Enter di mana saja) mengirim laporan. Shift+Enter membuat baris baru di keterangan.',
    ),
    el(
      'div',
      { class: 'op-grid' },
      field('c-phone', 'Nomor penelepon', phone, 'Contoh 081234567890 atau 0741 123456'),
      field('c-type', 'Jenis kejadian', type),
    ),
    repeatFlag,
    field('c-desc', 'Keterangan kejadian', description, 'Apa yang terjadi, keadaan korban'),
    el(
      'div',
      { class: 'op-grid' },
      field('c-address', 'Alamat (jika ada)', address),
      field('c-coords', 'Koordinat (lintang, bujur)', coords, 'Contoh -1.61, 103.61'),
      field('c-nik', 'NIK pasien (jika ada)', nik, '16 angka; status JKN ikut dalam pesan ke unit'),
      field('c-priority', 'Prioritas', priority, 'Biarkan otomatis kecuali ada alasan'),
    ),
    el('div', { class: 'actions' }, send),
    el('p', { class: 'err', id: 'c-form-err', role: 'alert' }),
  );
  main.append(
    el('h1', {}, 'Panggilan baru'),
    el(
      'div',
      { class: 'op-call' },
      form,
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'triage-title' },
        el('h2', { id: 'triage-title' }, 'Triase'),
        triageLine,
        result,
        el('p', {}, el('a', { href: '#/papan' }, 'Buka papan insiden')),
      ),
    ),
  );
  if (!operator) {
    for (const f of fields) f.disabled = true;
    send.disabled = true;
    triageLine.textContent = 'Hanya operator 112 yang mencatat laporan.';
    return;
  }

  // --- the triage, from the server's rules while the description is typed
  let triageTimer = 0;
  let triageRun = 0;
  const showTriage = (t) => {
    triageLine.replaceChildren(
      badge(t.priority, PRIORITY_KIND[t.priority]),
      ' ',
      RULE_LABEL[t.rule] ?? t.rule,
      t.kind ? ` · unit: ${KIND_LABEL[t.kind] ?? t.kind}` : '',
      t.dispatchedAtOnce === false || t.priority === 'P3'
        ? ' · unit dikirim manual dari papan'
        : ' · unit terdekat dikirim otomatis',
    );
    triageLine.dataset.priority = t.priority;
  };
  const previewTriage = async () => {
    const mine = ++triageRun;
    if (previewRoute === false) return;
    const res = await api('/incidents/triage', {
      method: 'POST',
      json: {
        type: type.value,
        description: description.value.slice(0, 1000),
        ...(priority.value ? { priority: priority.value } : {}),
      },
    });
    if (mine !== triageRun || !main.isConnected) return;
    if (res.status === 200 && res.body?.priority) {
      previewRoute = true;
      showTriage(res.body);
    } else if (res.status === 404 || res.status === 405) {
      previewRoute = false;
      noPreview();
    }
  };
  const noPreview = () => {
    triageLine.replaceChildren('Triase dihitung server saat laporan dikirim.');
    delete triageLine.dataset.priority;
  };
  const scheduleTriage = () => {
    clearTimeout(triageTimer);
    if (previewRoute === false) return;
    triageTimer = setTimeout(previewTriage, 150);
  };
  if (previewRoute === false) noPreview();
  else scheduleTriage();
  description.addEventListener('input', scheduleTriage);
  type.addEventListener('change', scheduleTriage);
  priority.addEventListener('change', scheduleTriage);
  onLeave(() => clearTimeout(triageTimer));

  // --- the repeat caller, from the open incidents (the server links within its window and distance)
  let repeatRun = 0;
  const checkRepeat = async () => {
    const mine = ++repeatRun;
    const p = normalPhone(phone.value);
    if (!p) {
      repeatFlag.replaceChildren();
      return;
    }
    const items = await openIncidents();
    if (mine !== repeatRun || !main.isConnected) return;
    const same = items.filter((i) => i.callerPhone === p);
    if (!same.length) {
      repeatFlag.replaceChildren();
      return;
    }
    const here = parseCoords(coords.value);
    repeatFlag.replaceChildren(
      el('strong', {}, 'Penelepon berulang. '),
      `Nomor ini punya ${same.length} insiden terbuka: `,
      ...same.map((i, n) => {
        const d = here ? distanceM(here, i.location) : null;
        const near =
          d != null && d <= linkMeters() && Date.now() - Date.parse(i.reportedAt) <= linkMinutes() * 60_000;
        return el(
          'span',
          {},
          n ? '; ' : '',
          el('span', { class: 'mono' }, i.number),
          ` (${i.priority}, ${STATUS_LABEL[i.status] ?? i.status}, ${ago(i.reportedAt)}`,
          i.location.address ? `, ${i.location.address}` : '',
          d != null ? `, ${fmtMetres(d)} dari lokasi ini` : '',
          ')',
          near ? ' — laporan ini akan digabung ke insiden itu' : '',
        );
      }),
      '.',
    );
  };
  // As the number and the place are typed (the open incidents are read at most every 3 s).
  let repeatTimer = 0;
  const repeatSoon = () => {
    clearTimeout(repeatTimer);
    repeatTimer = setTimeout(checkRepeat, 300);
  };
  phone.addEventListener('input', repeatSoon);
  coords.addEventListener('input', repeatSoon);
  onLeave(() => clearTimeout(repeatTimer));

  // --- Enter moves on; Enter on the last field (or Ctrl+Enter) sends
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing || event.altKey) return;
    const at = fields.indexOf(event.target);
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (at < 0) return; // the button: Enter presses it
    if (event.shiftKey && event.target === description) return; // a new line in the description
    event.preventDefault();
    if (event.target === phone) checkRepeat();
    const next = fields.slice(at + 1).find((f) => !f.disabled);
    if (next) next.focus();
    else form.requestSubmit();
  });

  // --- sending: one Idempotency-Key per report, kept for a retry of the same report
  let pending = null;
  let busy = false;
  const errs = ['c-phone', 'c-type', 'c-desc', 'c-address', 'c-coords', 'c-nik', 'c-priority'];
  const setErr = (id, text) => {
    const p = document.getElementById(`${id}-err`);
    if (p) p.textContent = text ?? '';
    const control = document.getElementById(id);
    if (control) control.setAttribute('aria-invalid', text ? 'true' : 'false');
  };
  const clearErrs = () => {
    for (const id of errs) setErr(id);
    document.getElementById('c-form-err').textContent = '';
  };
  /** The report, or null with the first bad field focused. */
  const read = () => {
    clearErrs();
    const bad = [];
    const p = normalPhone(phone.value);
    if (!p)
      bad.push([
        'c-phone',
        phone.value.trim() ? 'Nomor tidak dikenali: 08…, 0741…, atau +62…' : 'Isi nomor penelepon.',
      ]);
    if (description.value.trim().length < 3) bad.push(['c-desc', 'Isi keterangan (paling sedikit 3 huruf).']);
    const at = parseCoords(coords.value);
    if (!at)
      bad.push([
        'c-coords',
        coords.value.trim() ? 'Tulis lintang, bujur: -1.61, 103.61' : 'Isi koordinat lokasi.',
      ]);
    const n = nik.value.trim();
    if (n && !/^\d{16}$/.test(n)) bad.push(['c-nik', 'NIK 16 angka, atau kosongkan.']);
    const addr = address.value.trim();
    if (addr && addr.length < 2) bad.push(['c-address', 'Alamat terlalu pendek, atau kosongkan.']);
    for (const [id, text] of bad) setErr(id, text);
    if (bad.length) {
      document.getElementById(bad[0][0]).focus();
      return null;
    }
    return {
      callerPhone: phone.value.trim(),
      type: type.value,
      description: description.value.trim(),
      location: { lat: at.lat, lon: at.lon, ...(addr ? { address: addr } : {}) },
      ...(n ? { patientNik: n } : {}),
      ...(priority.value ? { priority: priority.value } : {}),
    };
  };
  const FIELD_OF = {
    callerPhone: 'c-phone',
    type: 'c-type',
    description: 'c-desc',
    'location.address': 'c-address',
    'location.lat': 'c-coords',
    'location.lon': 'c-coords',
    location: 'c-coords',
    patientNik: 'c-nik',
    priority: 'c-priority',
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const report = read();
    if (!report) return;
    const body = JSON.stringify(report);
    if (pending?.body !== body) pending = { body, key: newKey() };
    busy = true;
    send.disabled = true;
    send.textContent = 'Mengirim…';
    const res = await api('/incidents', {
      method: 'POST',
      json: report,
      headers: { 'idempotency-key': pending.key },
    });
    busy = false;
    send.disabled = false;
    send.textContent = 'Kirim laporan';
    if (!main.isConnected) return;
    if (res.status === 201 || res.status === 200) {
      pending = null;
      openCache = { at: 0, items: null };
      showResult(res.body, report);
      form.reset();
      repeatFlag.replaceChildren();
      scheduleTriage();
      phone.focus();
      return;
    }
    if (res.status === 400 && Array.isArray(res.body?.issues)) {
      let first = null;
      for (const issue of res.body.issues) {
        const id = FIELD_OF[issue.path] ?? FIELD_OF[String(issue.path).split('.')[0]];
        if (id) {
          setErr(id, issue.message);
          first ??= id;
        }
      }
      if (first) document.getElementById(first).focus();
      else document.getElementById('c-form-err').textContent = failure(res, 'Laporan');
      return;
    }
    const text =
      res.status === 0
        ? 'Laporan belum terkirim: tidak ada koneksi. Tekan Enter lagi untuk mengirim ulang; laporan yang sama tidak tercatat dua kali.'
        : failure(res, 'Laporan');
    document.getElementById('c-form-err').textContent = text;
  });

  const showResult = (r, report) => {
    const sent = r.dispatched;
    result.replaceChildren(
      el('h3', {}, 'Laporan terakhir'),
      el(
        'div',
        { class: `notice ${r.linked ? 'info' : 'ok'}`, id: 'c-result-box', 'data-id': r.id },
        el(
          'p',
          {},
          el('strong', {}, r.linked ? 'Penelepon berulang: digabung ke insiden ' : 'Insiden dicatat: '),
          el('span', { class: 'mono', id: 'c-result-number' }, r.number),
          '.',
        ),
        el(
          'p',
          {},
          badge(r.priority, PRIORITY_KIND[r.priority]),
          ` ${RULE_LABEL[r.triage] ?? r.triage} · ${STATUS_LABEL[r.status] ?? r.status}`,
        ),
        r.linked
          ? el(
              'p',
              {},
              'Laporan ini masuk ke linimasa insiden yang sudah terbuka; tidak ada unit kedua yang dikirim karenanya.',
            )
          : null,
        sent
          ? el(
              'p',
              {},
              `Unit dikirim: ${sent.unitName} (${sent.unitId}), ${fmtMetres(sent.distanceM)} dari lokasi.`,
            )
          : r.status === 'RECEIVED'
            ? el(
                'p',
                {},
                r.priority === 'P3'
                  ? 'Belum ada unit: kirim unit dari papan insiden bila perlu.'
                  : 'Belum ada unit yang siaga: supervisor sudah diberi tahu; kirim unit dari papan insiden.',
              )
            : null,
        el(
          'p',
          { class: 'meta' },
          `Penelepon ${report.callerPhone}, ${fmtDateTime(new Date().toISOString())} WIB`,
        ),
      ),
    );
    notice(
      r.linked
        ? `Digabung ke insiden ${r.number} (penelepon berulang).`
        : `Insiden ${r.number} dicatat (${r.priority}).`,
      'ok',
    );
  };
  phone.focus();
}

// ---------- Papan insiden

/**
 * Runs `tick` every `everyMs` after each answer, paused while the tab is hidden (and at once when it shows again),
 * stopped on leaving the page. `now()` runs it at once (or right after the one under way) and resolves after.
 */
function poller(everyMs, tick) {
  let timer = 0;
  let stopped = false;
  let running = null;
  let again = false;
  const run = async () => {
    clearTimeout(timer);
    if (stopped || document.hidden) return;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        await tick();
      } catch (error) {
        console.warn('poll failed', error);
      }
    })();
    await running;
    running = null;
    if (again) {
      again = false;
      return run();
    }
    if (!stopped && !document.hidden) timer = setTimeout(run, everyMs);
  };
  const visibility = () => {
    if (document.hidden) clearTimeout(timer);
    else run();
  };
  document.addEventListener('visibilitychange', visibility);
  onLeave(() => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', visibility);
  });
  return { now: run };
}

/** What of an incident changes what the board shows of it (the list carries no version). */
const signature = (i) => [i.status, i.priority, i.assignments, i.misses, i.reports].join('|');
/** Alerts that may still change: the queue, a send in flight, or a failure SQS will try again. */
const alertsUnsettled = (d) => d?.alerts?.some((a) => a.state === 'PENDING' || a.state === 'SENDING');
const alertsFailed = (d) => d?.alerts?.some((a) => a.state === 'FAILED');

async function renderBoard(main) {
  ensureStyles();
  const operator = session()?.roles.includes('operator');
  const status = el('p', { class: 'meta', id: 'board-updated' });
  const news = el('p', { class: 'op-sr', 'aria-live': 'polite', id: 'board-news' });
  const tbody = el('tbody', { id: 'board-rows' });
  const empty = el('p', { id: 'board-empty', hidden: true }, 'Tidak ada insiden terbuka.');
  const table = el(
    'table',
    { class: 'data op-board', id: 'board' },
    el('caption', {}, 'Insiden terbuka, yang terlama di atas'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...[
          'Insiden',
          'Dilaporkan',
          'Prioritas dan status',
          'Unit dan batas jawab',
          'Peringatan',
          operator ? 'Tindakan' : null,
        ]
          .filter(Boolean)
          .map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    tbody,
  );
  const cancelDialog = buildCancelDialog();
  main.append(
    el('h1', {}, 'Papan insiden'),
    el(
      'p',
      { class: 'hint' },
      'Papan memperbarui diri sendiri tiap detik; tidak perlu memuat ulang. Batas jawab: unit harus menerima peringatan sebelum waktunya habis, lalu unit berikut dikirim.',
    ),
    status,
    news,
    table,
    empty,
    cancelDialog.dialog,
  );

  /** id → {incident, detail, sig, row, detailAt} */
  const known = new Map();
  let first = true;
  let rounds = 0;

  const loadDetail = async (id) => {
    const res = await api(`/incidents/${encodeURIComponent(id)}`);
    const k = known.get(id);
    if (res.status === 200 && k) {
      k.detail = res.body;
      k.detailAt = Date.now();
    }
  };

  const refresh = async () => {
    const res = await api('/incidents?status=open');
    if (!main.isConnected) return;
    if (res.status !== 200) {
      status.textContent = failure(res, 'Papan');
      return;
    }
    rounds++;
    const items = res.body.items;
    openCache = { at: Date.now(), items };
    const seen = new Set();
    const details = [];
    const arrived = [];
    for (const i of items) {
      seen.add(i.id);
      const sig = signature(i);
      let k = known.get(i.id);
      if (!k) {
        k = { incident: i, detail: null, sig: '', row: null, shown: '' };
        known.set(i.id, k);
        if (!first) arrived.push(i);
      }
      const changed = k.sig !== sig;
      k.incident = i;
      k.sig = sig;
      if (changed || !k.detail || alertsUnsettled(k.detail) || (alertsFailed(k.detail) && rounds % 5 === 0)) {
        details.push(loadDetail(i.id));
      }
    }
    await Promise.all(details);
    if (!main.isConnected) return;
    for (const [id, k] of known) {
      if (!seen.has(id)) {
        k.row?.remove();
        known.delete(id);
      }
    }
    // Rows in the API's order (oldest first), each rebuilt only when what it shows changed.
    let before = null;
    for (let n = items.length - 1; n >= 0; n--) {
      const k = known.get(items[n].id);
      const shown = JSON.stringify([k.incident, k.detail]);
      if (shown !== k.shown || !k.row) {
        const row = boardRow(k, operator, actions);
        if (k.row) {
          const focused = k.row.contains(document.activeElement)
            ? document.activeElement.dataset.focus
            : null;
          k.row.replaceWith(row);
          if (focused) row.querySelector(`[data-focus="${focused}"]`)?.focus();
        }
        k.row = row;
        k.shown = shown;
      }
      if (k.row.nextSibling !== before || k.row.parentNode !== tbody) tbody.insertBefore(k.row, before);
      before = k.row;
    }
    tickCountdowns();
    empty.hidden = items.length > 0;
    table.hidden = items.length === 0;
    status.textContent = `Diperbarui ${fmtTime(new Date().toISOString())} WIB · ${items.length} insiden terbuka`;
    if (arrived.length) {
      news.textContent = `Insiden baru: ${arrived.map((i) => `${i.number} ${i.priority}`).join(', ')}`;
    }
    first = false;
  };

  const tickCountdowns = () => {
    const now = Date.now();
    for (const cell of tbody.querySelectorAll('[data-due]')) {
      const left = Number(cell.dataset.due) - now;
      const text = left > 0 ? `${mmss(left)} lagi` : 'waktu habis, unit berikut dikirim';
      if (cell.textContent !== text) cell.textContent = text;
      cell.classList.toggle('op-late', left <= 15_000);
    }
    for (const cell of tbody.querySelectorAll('[data-since]')) {
      const text = ago(cell.dataset.since, now);
      if (cell.textContent !== text) cell.textContent = text;
    }
  };
  const clock = setInterval(tickCountdowns, 1000);
  onLeave(() => clearInterval(clock));

  const actions = {
    dispatch: async (k, kind, button) => {
      button.disabled = true;
      const res = await api(`/incidents/${encodeURIComponent(k.incident.id)}/dispatch`, {
        method: 'POST',
        json: kind ? { kind } : {},
      });
      button.disabled = false;
      if (res.status === 201) {
        const a = res.body.assignment;
        notice(
          `Unit ${a?.unitName ?? ''} (${a?.unitId ?? ''}) dikirim ke ${k.incident.number}${a ? `, ${fmtMetres(a.distanceM)}` : ''}.`,
          'ok',
        );
      } else notice(refusal(res, `Kirim unit ke ${k.incident.number}`), 'error');
      poll.now();
    },
    move: async (k, to, button, note) => {
      button.disabled = true;
      const res = await api(`/incidents/${encodeURIComponent(k.incident.id)}/status`, {
        method: 'POST',
        json: { status: to, ...(note ? { note } : {}) },
      });
      button.disabled = false;
      if (res.status === 200) notice(`${k.incident.number}: ${STATUS_LABEL[to] ?? to}.`, 'ok');
      else notice(refusal(res, `Ubah status ${k.incident.number}`), 'error');
      poll.now();
      return res.status === 200;
    },
    cancel: (k, button) => cancelDialog.open(k, (note) => actions.move(k, 'CANCELLED', button, note), button),
  };

  const poll = poller(1000, refresh);
  await poll.now();
}

/** One incident's row: what it is, when, its priority and status, its units and their window, its alerts, actions. */
function boardRow(k, operator, actions) {
  const i = k.incident;
  const d = k.detail;
  const assignments = d?.assignments ?? [];
  const window = ackWindowMs();
  const units = assignments.length
    ? el(
        'ul',
        {},
        ...assignments.map((a) =>
          el(
            'li',
            { 'data-unit': a.unitId, 'data-assignment': a.status },
            el('strong', {}, a.unitName),
            ` (${a.unitId}) `,
            badge(
              ASSIGNMENT_LABEL[a.status] ?? a.status,
              a.status === 'MISSED'
                ? 'bad'
                : a.status === 'DISPATCHED'
                  ? 'wait'
                  : a.status === 'ACKNOWLEDGED'
                    ? 'ok'
                    : 'none',
            ),
            a.status === 'DISPATCHED'
              ? el(
                  'span',
                  { class: 'meta' },
                  'Batas jawab: ',
                  el('span', { 'data-due': String(Date.parse(a.dispatchedAt) + window) }),
                )
              : null,
          ),
        ),
      )
    : el(
        'span',
        { class: 'meta' },
        i.misses ? `Belum ada unit (${i.misses} tidak menjawab)` : 'Belum ada unit',
      );
  const alerts = d?.alerts?.length
    ? el(
        'ul',
        {},
        ...d.alerts.map((a) =>
          el(
            'li',
            { 'data-alert': a.state },
            a.channel === 'sms' ? `SMS ${a.to}: ` : `Topik ${TOPIC_LABEL[a.to] ?? a.to}: `,
            badge(ALERT_LABEL[a.state] ?? a.state, ALERT_KIND[a.state] ?? 'none'),
            a.state === 'FAILED'
              ? el('span', { class: 'meta' }, `${a.attempts}× dicoba${a.lastError ? `: ${a.lastError}` : ''}`)
              : null,
          ),
        ),
      )
    : el('span', { class: 'meta' }, d ? 'Belum ada' : 'Memuat…');
  const cells = [
    el(
      'td',
      {},
      el('strong', { class: 'mono' }, i.number),
      el(
        'span',
        { class: 'meta' },
        `${TYPE_LABEL[i.type] ?? i.type}${i.reports > 1 ? ` · ${i.reports} laporan` : ''}`,
      ),
      el('span', {}, i.description.length > 90 ? `${i.description.slice(0, 90)}…` : i.description),
      i.location.address ? el('span', { class: 'meta' }, i.location.address) : null,
    ),
    el(
      'td',
      {},
      `${fmtTime(i.reportedAt)} WIB`,
      el('span', { class: 'meta', 'data-since': i.reportedAt }, ago(i.reportedAt)),
    ),
    el(
      'td',
      {},
      badge(i.priority, PRIORITY_KIND[i.priority]),
      ' ',
      el('span', { class: 'status' }, STATUS_LABEL[i.status] ?? i.status),
    ),
    el('td', {}, units),
    el('td', {}, alerts),
  ];
  if (operator) cells.push(el('td', { class: 'act' }, actionCell(k, actions)));
  return el(
    'tr',
    { 'data-id': i.id, 'data-number': i.number, 'data-status': i.status, 'data-priority': i.priority },
    ...cells,
  );
}

function actionCell(k, actions) {
  const i = k.incident;
  const kindId = `kind-${i.id}`;
  const kind = el(
    'select',
    { id: kindId, 'data-focus': 'kind', 'aria-label': `Jenis unit untuk ${i.number}` },
    el('option', { value: '' }, 'Unit sesuai jenis kejadian'),
    ...Object.entries(KIND_LABEL).map(([value, label]) => el('option', { value }, label)),
  );
  const dispatch = el(
    'button',
    {
      type: 'button',
      class: 'small',
      'data-focus': 'dispatch',
      'aria-label': `Kirim unit ke ${i.number}`,
      onclick: (event) => actions.dispatch(k, kind.value, event.currentTarget),
    },
    'Kirim unit',
  );
  const moves = (NEXT_STEPS[i.status] ?? []).map((to) =>
    el(
      'button',
      {
        type: 'button',
        class: 'small secondary',
        'data-focus': `move-${to}`,
        'aria-label': `${i.number}: ${STATUS_LABEL[to]}`,
        onclick: (event) => actions.move(k, to, event.currentTarget),
      },
      STATUS_LABEL[to],
    ),
  );
  const cancel = el(
    'button',
    {
      type: 'button',
      class: 'small secondary',
      'data-focus': 'cancel',
      'aria-label': `Batalkan ${i.number}`,
      onclick: (event) => actions.cancel(k, event.currentTarget),
    },
    'Batalkan',
  );
  return el('div', { class: 'actions' }, kind, dispatch, ...moves, cancel);
}

/** The cancellation's dialog: the reason (kept in the timeline), confirmed with Enter or the button. */
function buildCancelDialog() {
  const reason = el('input', {
    id: 'cancel-reason',
    maxLength: 500,
    autocomplete: 'off',
    'aria-describedby': 'cancel-err',
  });
  const err = el('p', { class: 'err', id: 'cancel-err', role: 'alert' });
  const title = el('h2', { id: 'cancel-title' }, 'Batalkan insiden');
  const yes = el('button', { type: 'submit', id: 'cancel-yes' }, 'Ya, batalkan');
  const no = el('button', { type: 'button', class: 'secondary', id: 'cancel-no' }, 'Tidak');
  const form = el(
    'form',
    { method: 'dialog' },
    title,
    el(
      'div',
      { class: 'f' },
      el('label', { for: 'cancel-reason' }, 'Alasan (misalnya laporan palsu, sudah ditangani)'),
      reason,
      err,
    ),
    el('div', { class: 'actions' }, yes, no),
  );
  const dialog = el(
    'dialog',
    { class: 'card', id: 'cancel-dialog', 'aria-labelledby': 'cancel-title' },
    form,
  );
  let current = null;
  no.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    const back = current?.back;
    current = null;
    // The row is gone once its incident is cancelled: back to the page's heading then.
    if (back?.isConnected) back.focus();
    else document.querySelector('main h1')?.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!current) return;
    const note = reason.value.trim();
    if (note.length === 1) {
      err.textContent = 'Alasan paling sedikit 2 huruf, atau kosongkan.';
      return;
    }
    yes.disabled = true;
    await current.confirm(note || undefined);
    yes.disabled = false;
    dialog.close();
  });
  return {
    dialog,
    open(k, confirm, back) {
      current = { confirm, back };
      title.textContent = `Batalkan insiden ${k.incident.number}?`;
      reason.value = '';
      err.textContent = '';
      dialog.showModal();
      reason.focus();
    },
  };
}

// ---------- Unit: the board and the map

/** MapLibre GL JS (vendor/, BSD-3), loaded with the first map: the console's other pages never fetch it. */
let maplibreRun = null;
function loadMapLibre() {
  if (!document.querySelector('link[data-maplibre]')) {
    document.head.append(
      el('link', { rel: 'stylesheet', href: 'vendor/maplibre-gl.css', 'data-maplibre': '' }),
    );
  }
  maplibreRun ??= import('./vendor/maplibre-gl.mjs').then((m) => {
    // Its worker from the console's own origin (CSP worker-src 'self'), as a module beside it.
    m.setWorkerUrl(new URL('./vendor/maplibre-gl-worker.mjs', import.meta.url).href);
    return m;
  });
  return maplibreRun;
}

/** No map style configured (local, offline): the points on a plain background, no tiles, no network. */
const PLAIN_STYLE = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9eef2' } }],
};

const LEGEND =
  'Lingkaran hitam tebal: insiden (merah P1, jingga P2, abu-abu P3). Lingkaran kecil: unit (hijau siaga, biru bertugas, abu-abu tidak aktif).';

const POINT_LAYERS = [
  {
    id: 'op-incidents',
    type: 'circle',
    source: 'op-points',
    filter: ['==', ['get', 'what'], 'incident'],
    paint: {
      'circle-radius': 10,
      'circle-color': ['match', ['get', 'priority'], 'P1', '#b3261e', 'P2', '#c77700', '#5b6670'],
      'circle-stroke-width': 3,
      'circle-stroke-color': '#1b1f23',
    },
  },
  {
    id: 'op-units',
    type: 'circle',
    source: 'op-points',
    filter: ['==', ['get', 'what'], 'unit'],
    paint: {
      'circle-radius': 7,
      'circle-color': ['match', ['get', 'status'], 'AVAILABLE', '#0b6e4f', 'BUSY', '#1a66c2', '#8a949e'],
      'circle-stroke-width': 2,
      'circle-stroke-color': '#ffffff',
    },
  },
];

async function renderUnits(main) {
  ensureStyles();
  const updated = el('p', { class: 'meta', id: 'units-updated' });
  const boardBox = el('div', { id: 'unit-board' });
  const mapBox = el('div', {
    id: 'map',
    class: 'op-map',
    role: 'region',
    'aria-label': 'Peta unit dan insiden (setiap titik juga ada di tabel Titik di peta)',
  });
  const mapNote = el('p', { class: 'meta', id: 'map-note' });
  const refit = el(
    'button',
    { type: 'button', class: 'small secondary', id: 'map-refit', hidden: true },
    'Tampilkan semua titik lagi',
  );
  const pointsBox = el('div', { id: 'map-table' });
  main.append(
    el('h1', {}, 'Unit'),
    updated,
    el(
      'section',
      { 'aria-labelledby': 'map-title' },
      el('h2', { id: 'map-title' }, 'Peta unit dan insiden'),
      mapNote,
      mapBox,
      el('div', { class: 'actions' }, refit),
    ),
    el(
      'section',
      { 'aria-labelledby': 'board-title' },
      el('h2', { id: 'board-title' }, 'Papan unit'),
      boardBox,
    ),
    el(
      'section',
      { 'aria-labelledby': 'points-title' },
      el('h2', { id: 'points-title' }, 'Titik di peta'),
      pointsBox,
    ),
  );

  let units = [];
  let incidents = [];
  // The tables first; the map (1 MB of library) follows when it has loaded.
  const mapReady = startMap(mapBox, mapNote, refit);
  let left = false;
  onLeave(() => {
    left = true;
    mapReady.then((m) => m?.remove());
  });

  const refresh = async () => {
    const [u, i] = await Promise.all([api('/units'), api('/incidents?status=open')]);
    if (!main.isConnected) return;
    if (u.status !== 200 || i.status !== 200) {
      updated.textContent = failure(u.status !== 200 ? u : i, 'Unit');
      return;
    }
    units = u.body.items;
    incidents = i.body.items;
    const numberOf = new Map(incidents.map((x) => [x.id, x.number]));
    const unitRows = units.map((x) => [
      el('span', {}, el('strong', {}, x.name), el('span', { class: 'meta mono op-block' }, x.id)),
      KIND_LABEL[x.kind] ?? x.kind,
      badge(UNIT_STATUS_LABEL[x.status] ?? x.status, UNIT_STATUS_KIND[x.status] ?? 'none'),
      `${fmtCoord(x.location.lat)}, ${fmtCoord(x.location.lon)}`,
      x.assignment
        ? el('span', { class: 'mono' }, numberOf.get(x.assignment.incidentId) ?? x.assignment.incidentId)
        : '–',
      `${fmtTime(x.statusAt)} WIB`,
    ]);
    const nextBoard = dataTable({
      caption: `${units.length} unit: ${units.filter((x) => x.status === 'AVAILABLE').length} siaga, ${units.filter((x) => x.status === 'BUSY').length} bertugas`,
      columns: ['Unit', 'Jenis', 'Status', 'Posisi (lintang, bujur)', 'Insiden saat ini', 'Status sejak'],
      rows: unitRows,
    });
    nextBoard.id = 'unit-table';
    const points = [
      ...units.map((x) => [
        'Unit',
        `${x.name} (${x.id})`,
        UNIT_STATUS_LABEL[x.status] ?? x.status,
        fmtCoord(x.location.lat),
        fmtCoord(x.location.lon),
      ]),
      ...incidents.map((x) => [
        'Insiden',
        `${x.number}${x.location.address ? `, ${x.location.address}` : ''}`,
        `${x.priority} · ${STATUS_LABEL[x.status] ?? x.status}`,
        fmtCoord(x.location.lat),
        fmtCoord(x.location.lon),
      ]),
    ];
    const nextPoints = dataTable({
      caption: 'Setiap unit dan insiden di peta, sebagai teks',
      columns: ['Titik', 'Nama', 'Status', 'Lintang', 'Bujur'],
      rows: points,
    });
    nextPoints.id = 'points-table';
    swapIfChanged(boardBox, nextBoard);
    swapIfChanged(pointsBox, nextPoints);
    mapReady.then((m) => !left && m?.show(units, incidents));
    updated.textContent = `Diperbarui ${fmtTime(new Date().toISOString())} WIB`;
  };
  // Units move at a crew's pace: every two seconds is plenty, and it pauses with the tab.
  await poller(2000, refresh).now();
}

/** Replaces a table only when it reads differently (keeps a screen reader's place and the focus otherwise). */
function swapIfChanged(box, next) {
  const old = box.firstElementChild;
  if (old && old.outerHTML === next.outerHTML) return;
  box.replaceChildren(next);
}

/**
 * The map: Amazon Location's style from config.json (map.styleUrl), else a plain background. Fits every point until
 * the user pans, zooms or rotates it; from then the view stays theirs (the refit button gives it back).
 */
async function startMap(box, note, refit) {
  let lib;
  try {
    lib = await loadMapLibre();
  } catch (error) {
    console.warn('map library not loaded', error);
    note.textContent = 'Peta tidak bisa dimuat; semua titik ada di tabel di bawah.';
    return null;
  }
  const styleUrl = state.cfg.map?.styleUrl;
  const mapOrigin = styleUrl ? new URL(styleUrl).origin : null;
  let map;
  try {
    map = new lib.Map({
      container: box,
      style: styleUrl ?? PLAIN_STYLE,
      center: [103.61, -1.61],
      zoom: 11,
      attributionControl: styleUrl ? { compact: true } : false,
      locale: { 'Map.Title': 'Peta unit dan insiden' },
      // Amazon Location's key allows only pages of the console (AllowReferers): send the page's address to it, and
      // to no one else.
      transformRequest: (url) =>
        mapOrigin && url.startsWith(mapOrigin)
          ? { url, referrerPolicy: 'no-referrer-when-downgrade' }
          : undefined,
    });
  } catch (error) {
    console.warn('map not started', error);
    note.textContent =
      'Peta tidak bisa ditampilkan di peramban ini (WebGL); semua titik ada di tabel di bawah.';
    box.hidden = true;
    return null;
  }
  note.textContent = styleUrl
    ? LEGEND
    : `Peta dasar tidak dikonfigurasi: titik digambar di atas latar polos. ${LEGEND}`;
  let locked = false;
  let lastBounds = '';
  /** The points as GeoJSON, put on the map whenever its style is ready (again, after a fallback). */
  let data = null;
  /** The style is in (isStyleLoaded() is false too while any source loads a tile). */
  let ready = false;
  const put = () => {
    if (!data || !ready) return;
    const source = map.getSource('op-points');
    if (source) source.setData(data);
    else {
      map.addSource('op-points', { type: 'geojson', data });
      for (const layer of POINT_LAYERS) map.addLayer(layer);
    }
    const n = data.features.length;
    // Once the frame with these points is on screen (for whoever checks what the map shows).
    map.once('idle', () => {
      box.dataset.drawn = String(n);
    });
  };
  map.on('style.load', () => {
    ready = true;
    put();
  });
  // Amazon Location's style unreachable (a network down, a key refused): the points on the plain background.
  let fellBack = false;
  map.on('error', (event) => {
    console.warn('map:', event.error?.message ?? event);
    if (styleUrl && !fellBack && !ready) {
      fellBack = true;
      note.textContent = `Peta dasar tidak bisa dimuat: titik digambar di atas latar polos. ${LEGEND}`;
      map.setStyle(PLAIN_STYLE, { diff: false });
    }
  });
  // A move the user made (its originalEvent: mouse, touch, wheel or keys) locks the view.
  for (const e of ['dragstart', 'zoomstart', 'rotatestart', 'pitchstart']) {
    map.on(e, (event) => {
      if (event.originalEvent && !locked) {
        locked = true;
        refit.hidden = false;
        box.dataset.locked = 'true';
      }
    });
  }
  // Where the view is, for whoever checks that a locked view stays put.
  map.on('moveend', () => {
    const c = map.getCenter();
    box.dataset.center = `${c.lat.toFixed(5)},${c.lng.toFixed(5)}`;
    box.dataset.zoom = map.getZoom().toFixed(2);
  });
  const fitTo = (points) => {
    if (!points.length) return;
    const lons = points.map((p) => p.geometry.coordinates[0]);
    const lats = points.map((p) => p.geometry.coordinates[1]);
    const bounds = [
      [Math.min(...lons), Math.min(...lats)],
      [Math.max(...lons), Math.max(...lats)],
    ];
    const key = JSON.stringify(bounds);
    if (key === lastBounds) return;
    lastBounds = key;
    map.fitBounds(bounds, { padding: 48, maxZoom: 15, duration: 0 });
  };
  let current = [];
  refit.addEventListener('click', () => {
    locked = false;
    lastBounds = '';
    refit.hidden = true;
    delete box.dataset.locked;
    fitTo(current);
  });
  const draw = (units, incidents) => {
    const features = [
      ...units.map((u) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [u.location.lon, u.location.lat] },
        properties: { what: 'unit', id: u.id, status: u.status, kind: u.kind },
      })),
      ...incidents.map((i) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [i.location.lon, i.location.lat] },
        properties: { what: 'incident', id: i.id, priority: i.priority, status: i.status },
      })),
    ];
    current = features;
    data = { type: 'FeatureCollection', features };
    put();
    box.dataset.points = String(features.length);
    if (!locked) fitTo(features);
  };
  return {
    show(units, incidents) {
      try {
        draw(units, incidents);
      } catch (error) {
        console.warn('map not drawn', error);
      }
    },
    remove() {
      map.remove();
    },
  };
}
