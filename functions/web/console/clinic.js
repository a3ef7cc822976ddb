// The puskesmas desk's home visits (clinic): its requests, the longest waiting first with the days each has waited;
// one request (#/kunjungan/<id>) with the resident, the clinical note, its visits and history, where the desk
// schedules a visit, records a visit's outcome (done, or rescheduled, or the request closed) or ends the request.
// Each form works from the keyboard and is sent with one Idempotency-Key per submission: a second press after a lost
// answer replays the first instead of doing it twice.
import { api, badge, dataTable, el, failure, fmtDateTime, fmtDay, notice, session, todayWib } from './lib.js';

export const pages = [{ hash: '#/kunjungan', title: 'Kunjungan rumah', roles: ['clinic'], render }];

const NEED = {
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
/** The list's filter: the API's default (the open ones), one status, or the finished ones. */
const FILTERS = [
  ['', 'Semua yang masih berjalan'],
  ['REQUESTED', 'Menunggu jadwal'],
  ['SCHEDULED', 'Terjadwal'],
  ['VISITED', 'Sudah dikunjungi'],
  ['CLOSED,DECLINED', 'Selesai atau ditolak'],
];
const VISIT = { SCHEDULED: 'Terjadwal', DONE: 'Sudah dilakukan', NOT_DONE: 'Tidak jadi' };
const ACTION = {
  REQUESTED: 'Permintaan masuk',
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
const SMS = {
  SENT: 'SMS pemberitahuan dikirim ke keluarga.',
  NO_PHONE: 'Warga tidak punya nomor HP: kabari keluarga lewat RT.',
  FAILED: 'SMS ke keluarga gagal dikirim: kabari lewat telepon atau RT.',
};
/** How far ahead the API lets a visit be planned (MAX_DAYS_AHEAD in shared/homecare/schemas.ts). */
const MAX_DAYS_AHEAD = 180;
const PAGE_SIZE = 50;
const OPEN = ['REQUESTED', 'SCHEDULED', 'VISITED'];

// ---------- small helpers

const addDays = (ymd, n) =>
  new Date(Date.parse(`${ymd}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const longDay = new Intl.DateTimeFormat('id-ID', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
/** "Senin, 7 Desember 2026": a visit's day as the household's SMS names it. */
const fmtDayLong = (ymd) => (ymd ? longDay.format(new Date(`${ymd}T00:00:00Z`)) : '');
/** RT 001 / RW 010 from an RT code (1571011001-010-001). */
const rtLabel = (rt) => `RT ${rt.slice(15)} / RW ${rt.slice(11, 14)}`;
const days = (n) => `${n} hari`;
const statusBadge = (s) => badge(...(STATUS[s] ?? [s, 'none']));
const REQUESTED_BY = { rt_chair: 'ketua RT', clinic: 'puskesmas', city_admin: 'admin kota' };

let regions = null;
/** Kelurahan names by code, from GET /regions (never typed here); nothing when it cannot be read. */
function kelurahanNames() {
  regions ??= api('/regions').then((res) => {
    const names = new Map();
    if (res.status !== 200) {
      regions = null;
      return names;
    }
    for (const kec of res.body?.kecamatan ?? [])
      for (const k of kec.kelurahan ?? []) names.set(k.code, k.name);
    return names;
  });
  return regions;
}

let puskesmasRun = null;
/** The account's puskesmas by name (GET /puskesmas), or its code. */
function puskesmasName(code) {
  puskesmasRun ??= api('/puskesmas').then((res) => (res.status === 200 ? (res.body?.items ?? []) : []));
  return puskesmasRun.then((items) => items.find((p) => p.code === code)?.name ?? code);
}

/** The list's filter, kept while the desk opens a request and comes back. */
const filter = { status: '', need: '' };

function render(main, params) {
  const me = session();
  if (!me?.puskesmas) {
    main.append(
      el('h1', {}, 'Kunjungan rumah'),
      el(
        'p',
        { class: 'err', role: 'alert' },
        'Akun ini belum terhubung ke puskesmas. Minta admin kota mengatur puskesmas akun Anda.',
      ),
    );
    return;
  }
  return params ? renderRequest(main, params) : renderList(main, me.puskesmas);
}

// ---------- the list

async function renderList(main, code) {
  const intro = el(
    'p',
    {},
    'Permintaan kunjungan rumah untuk puskesmas Anda, yang paling lama menunggu di atas.',
  );
  const msg = el('p', { id: 'hc-msg', class: 'hint', role: 'status' }, 'Memuat…');
  const holder = el('div', { id: 'hc-table' });
  const more = el('button', { type: 'button', id: 'hc-more', class: 'secondary', hidden: true }, 'Muat lagi');
  const status = el(
    'select',
    { id: 'hc-status', name: 'status' },
    ...FILTERS.map(([v, label]) => el('option', { value: v }, label)),
  );
  const need = el(
    'select',
    { id: 'hc-need', name: 'need' },
    el('option', { value: '' }, 'Semua kebutuhan'),
    ...Object.entries(NEED).map(([v, label]) => el('option', { value: v }, label)),
  );
  status.value = filter.status;
  need.value = filter.need;
  const form = el(
    'form',
    { id: 'hc-filter', class: 'inline', 'aria-label': 'Saring permintaan' },
    el('div', { class: 'f' }, el('label', { for: 'hc-status' }, 'Status'), status),
    el('div', { class: 'f' }, el('label', { for: 'hc-need' }, 'Kebutuhan'), need),
    el('button', { type: 'submit', class: 'secondary' }, 'Tampilkan'),
  );
  main.append(el('h1', {}, 'Kunjungan rumah'), intro, form, msg, holder, more);
  puskesmasName(code).then((name) => {
    intro.textContent = `Permintaan kunjungan rumah untuk ${name}, yang paling lama menunggu di atas.`;
  });

  let shown = [];
  let cursor = null;
  let run = 0;
  const names = await kelurahanNames();

  const load = async (fresh) => {
    const mine = ++run;
    more.disabled = true;
    if (fresh) {
      shown = [];
      cursor = null;
      msg.textContent = 'Memuat…';
    }
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (filter.status) q.set('status', filter.status);
    if (filter.need) q.set('need', filter.need);
    if (cursor) q.set('cursor', cursor);
    const res = await api(`/homecare/requests?${q}`);
    if (mine !== run) return;
    more.disabled = false;
    if (res.status !== 200) {
      msg.textContent =
        res.status === 403
          ? 'Akun ini tidak boleh melihat permintaan kunjungan rumah: puskesmasnya belum diatur.'
          : failure(res, 'Daftar permintaan');
      return;
    }
    const before = shown.length;
    shown.push(...res.body.items);
    cursor = res.body.cursor;
    more.hidden = !cursor;
    draw();
    const waiting = shown.filter((r) => r.waitingForFirstVisit).length;
    msg.textContent = shown.length
      ? `${shown.length} permintaan ditampilkan${cursor ? ' (ada lagi: Muat lagi)' : ''}; ${waiting} belum pernah dikunjungi.`
      : emptyText();
    if (before > 0 && shown.length > before) holder.querySelectorAll('tbody a')[before]?.focus();
  };

  const draw = () => {
    if (!shown.length) {
      holder.replaceChildren();
      return;
    }
    const table = dataTable({
      caption: 'Permintaan kunjungan rumah, yang paling lama menunggu di atas',
      columns: ['Menunggu', 'Warga', 'Kebutuhan', 'JKN', 'Status', 'Diminta'],
      rows: shown.map((r) => [
        el(
          'span',
          {},
          days(r.daysWaited),
          r.waitingForFirstVisit ? [' ', badge('belum dikunjungi', 'wait')] : null,
        ),
        el(
          'span',
          {},
          el('a', { href: `#/kunjungan/${encodeURIComponent(r.id)}` }, r.name),
          el('small', { class: 'meta' }, `${rtLabel(r.rt)}, Kel. ${names.get(r.kelurahan) ?? r.kelurahan}`),
        ),
        NEED[r.need] ?? r.need,
        r.coverage?.covered ? badge('Aktif', 'ok') : badge('Tidak aktif', 'bad'),
        el(
          'span',
          {},
          statusBadge(r.status),
          r.nextVisit ? el('small', { class: 'meta' }, `Kunjungan: ${fmtDayLong(r.nextVisit.date)}`) : null,
        ),
        fmtDay(r.requestedAt),
      ]),
    });
    table.id = 'hc-list';
    [...table.tBodies[0].rows].forEach((row, i) => {
      row.dataset.id = shown[i].id;
    });
    holder.replaceChildren(table);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filter.status = status.value;
    filter.need = need.value;
    load(true);
  });
  more.addEventListener('click', () => load(false));
  await load(true);
}

function emptyText() {
  if (filter.status === 'CLOSED,DECLINED') return 'Belum ada permintaan yang selesai atau ditolak.';
  const label = FILTERS.find(([v]) => v === filter.status)?.[1];
  if (filter.status) return `Tidak ada permintaan berstatus "${label}".`;
  return 'Tidak ada permintaan kunjungan rumah yang masih berjalan.';
}

// ---------- one request

async function renderRequest(main, id) {
  const back = el('p', {}, el('a', { href: '#/kunjungan' }, '← Kembali ke daftar kunjungan rumah'));
  const [res, names] = await Promise.all([
    api(`/homecare/requests/${encodeURIComponent(id)}`),
    kelurahanNames(),
  ]);
  if (res.status !== 200) {
    main.append(
      back,
      el('h1', {}, res.status === 404 ? 'Permintaan tidak ditemukan' : 'Kunjungan rumah'),
      el(
        'p',
        { class: 'err', role: 'alert' },
        res.status === 404
          ? 'Permintaan ini tidak ada atau bukan untuk puskesmas Anda.'
          : failure(res, 'Permintaan ini'),
      ),
    );
    return;
  }
  const r = res.body;
  const scheduled = r.visits.find((v) => v.status === 'SCHEDULED');
  const open = OPEN.includes(r.status);
  main.append(
    back,
    el('h1', {}, `Kunjungan rumah: ${r.name}`),
    el(
      'div',
      { class: 'columns' },
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'hc-facts-title' },
        el('h2', { id: 'hc-facts-title' }, 'Warga dan permintaan'),
        facts(r, names),
      ),
      open
        ? el('div', {}, scheduled ? outcomeForm(r, scheduled) : scheduleForm(r), endForm(r))
        : el(
            'section',
            { class: 'card', 'aria-labelledby': 'hc-ended-title' },
            el('h2', { id: 'hc-ended-title' }, 'Permintaan sudah berakhir'),
            el('p', {}, statusBadge(r.status), r.reason ? ` Alasan: ${r.reason}` : ''),
          ),
    ),
    visitsCard(r.visits),
    historyCard(r.timeline ?? []),
  );
}

function facts(r, names) {
  const pairs = [
    ['Nama', r.name],
    ['NIK', el('span', { class: 'mono' }, r.nik)],
    ['Kebutuhan', NEED[r.need] ?? r.need],
    ['Status', statusBadge(r.status)],
    [
      'Menunggu',
      [days(r.daysWaited), r.waitingForFirstVisit ? [' ', badge('belum dikunjungi', 'wait')] : null],
    ],
    [
      'Alamat',
      [r.address, rtLabel(r.rt), `Kel. ${names.get(r.kelurahan) ?? r.kelurahan}`].filter(Boolean).join(', '),
    ],
    [
      'JKN saat diminta',
      r.coverage?.covered ? `Aktif (${(r.coverage.scheme ?? '—').replaceAll('_', ' ')})` : 'Tidak aktif',
    ],
    ['Diminta', `${fmtDateTime(r.requestedAt)} WIB oleh ${REQUESTED_BY[r.requestedBy?.role] ?? 'petugas'}`],
    ['Catatan (hanya petugas)', r.note ?? '—'],
    ['Kunjungan berikutnya', r.nextVisit ? fmtDayLong(r.nextVisit.date) : '—'],
    ['Kunjungan dilakukan', String(r.visitsDone)],
    r.reason ? ['Alasan berakhir', r.reason] : null,
  ].filter(Boolean);
  return el('dl', { class: 'facts' }, ...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function visitsCard(visits) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'hc-visits-title' },
    el('h2', { id: 'hc-visits-title' }, 'Kunjungan'),
    visits.length
      ? Object.assign(
          dataTable({
            caption: 'Kunjungan untuk permintaan ini',
            columns: ['Tanggal', 'Tim', 'Status', 'Catatan hasil'],
            rows: visits.map((v) => [
              fmtDayLong(v.date),
              v.team.join(', '),
              VISIT[v.status] ?? v.status,
              v.outcome?.note ?? '—',
            ]),
          }),
          { id: 'hc-visits' },
        )
      : el('p', { class: 'hint' }, 'Belum ada kunjungan.'),
  );
}

function historyCard(timeline) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'hc-history-title' },
    el('h2', { id: 'hc-history-title' }, 'Riwayat'),
    timeline.length
      ? el(
          'ol',
          { class: 'history' },
          ...timeline.map((e) =>
            el(
              'li',
              {},
              el('strong', {}, ACTION[e.action] ?? e.action),
              ` · ${fmtDateTime(e.at)} WIB`,
              e.detail
                ? el(
                    'div',
                    { class: 'meta' },
                    /^\d{4}-\d{2}-\d{2}$/.test(e.detail)
                      ? fmtDayLong(e.detail)
                      : (NEED[e.detail] ?? e.detail),
                  )
                : null,
            ),
          ),
        )
      : el('p', { class: 'hint' }, 'Belum ada catatan.'),
  );
}

// ---------- the forms

/**
 * One Idempotency-Key per submission: made when the form is first sent and kept until it succeeds or the desk
 * changes what the form says, so sending again after a lost answer replays instead of repeating.
 */
function idempotencyKey(form) {
  let key = null;
  form.addEventListener('input', () => {
    key = null;
  });
  return {
    get: () => {
      key ??= crypto.randomUUID();
      return key;
    },
    used: () => {
      key = null;
    },
  };
}

/** A labelled field (div.f) with its hint and its error line, described by both. */
function field(id, label, input, hint) {
  input.id = id;
  input.name = id;
  input.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-err`].filter(Boolean).join(' '));
  return el(
    'div',
    { class: 'f' },
    el('label', { for: id }, label),
    input,
    hint ? el('small', { id: `${id}-hint` }, hint) : null,
    el('p', { id: `${id}-err`, class: 'err' }),
  );
}

/** Errors beside their fields (aria-invalid), a general one under the form; the focus on the first in error. */
function showErrors(form, errors, general = '') {
  for (const line of form.querySelectorAll('p.err[id$="-err"]')) {
    const id = line.id.slice(0, -4);
    line.textContent = errors[id] ?? '';
    const inputs = form.querySelectorAll(`input#${id}, textarea#${id}, input[name="${id}"]`);
    for (const input of inputs) {
      if (errors[id]) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
  form.querySelector('.form-err').textContent = general;
  const first = Object.keys(errors)[0];
  if (first)
    (form.querySelector(`input[name="${first}"]:not(:disabled)`) ?? form.querySelector(`#${first}`))?.focus();
}

/** What a refusal means for the form: a 400's issues on its fields, anything else said plainly. */
function refusal(res, fieldOf, texts) {
  if (res.status === 400 && Array.isArray(res.body?.issues)) {
    const errors = {};
    const rest = [];
    for (const { path = '', message = '' } of res.body.issues) {
      const id = fieldOf(String(path));
      if (id) errors[id] ??= texts[id] ?? `Periksa isian ini: ${message}`;
      else rest.push(`${path}: ${message}`);
    }
    return [errors, rest.length ? `Ditolak: ${rest.join('; ')}` : ''];
  }
  if (res.status === 409) {
    return [
      {},
      'Permintaan ini sudah berubah, mungkin oleh petugas lain. Muat ulang halaman untuk melihatnya.',
    ];
  }
  if (res.status === 0) return [{}, 'Tidak ada koneksi. Kirim lagi: tidak akan tercatat dua kali.'];
  if (res.status === 401) return [{}, ''];
  return [{}, `${failure(res, 'Isian')} Kirim lagi: tidak akan tercatat dua kali.`];
}

function formCard(id, title, ...kids) {
  return el(
    'form',
    { id, class: 'card', novalidate: true, 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title` }, title),
    ...kids,
    el('p', { class: 'err form-err', role: 'alert' }),
  );
}

/** Sends once at a time; the button is disabled while the answer is awaited. */
async function send(form, call, after) {
  if (form.dataset.busy) return;
  form.dataset.busy = '1';
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    await after(await call());
  } finally {
    delete form.dataset.busy;
    button.disabled = false;
  }
}

/** After a change: the request again, from the server (a fresh render of this page). */
function reload() {
  dispatchEvent(new HashChangeEvent('hashchange'));
}

function scheduleForm(r) {
  const today = todayWib();
  const last = addDays(today, MAX_DAYS_AHEAD);
  const date = el('input', { type: 'date', min: today, max: last, required: true });
  const team = el('input', { type: 'text', autocomplete: 'off', required: true });
  const form = formCard(
    'hc-schedule',
    r.status === 'VISITED' ? 'Jadwalkan kunjungan berikutnya' : 'Jadwalkan kunjungan',
    field('visit-date', 'Tanggal kunjungan', date, `Hari ini sampai ${MAX_DAYS_AHEAD} hari ke depan.`),
    field(
      'visit-team',
      'Tim yang berkunjung',
      team,
      'Nama petugas, pisahkan dengan koma (paling banyak 8 orang).',
    ),
    el('p', { class: 'hint' }, 'Keluarga menerima SMS berisi hari kunjungan dan nama puskesmas.'),
    el('button', { type: 'submit', id: 'visit-submit' }, 'Jadwalkan kunjungan'),
  );
  const key = idempotencyKey(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const names = team.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const errors = {};
    if (!date.value) errors['visit-date'] = 'Isi tanggal kunjungan.';
    else if (date.value < today || date.value > last) {
      errors['visit-date'] = `Tanggal harus antara hari ini dan ${MAX_DAYS_AHEAD} hari ke depan.`;
    }
    if (!names.length) errors['visit-team'] = 'Tulis nama minimal satu petugas.';
    else if (names.length > 8) errors['visit-team'] = 'Paling banyak 8 petugas.';
    else if (names.some((n) => n.length < 2 || n.length > 60))
      errors['visit-team'] = 'Setiap nama 2 sampai 60 huruf.';
    showErrors(form, errors);
    if (Object.keys(errors).length) return;
    send(
      form,
      () =>
        api(`/homecare/requests/${encodeURIComponent(r.id)}/visits`, {
          method: 'POST',
          json: { date: date.value, team: names },
          headers: { 'idempotency-key': key.get() },
        }),
      (res) => {
        if (res.status === 201) {
          key.used();
          notice(
            `Kunjungan ${r.name} dijadwalkan ${fmtDayLong(res.body.date)}. ${SMS[res.body.sms?.household] ?? ''}`,
            'ok',
          );
          reload();
          return;
        }
        const [errors, general] = refusal(
          res,
          (p) => (p === 'date' ? 'visit-date' : p.startsWith('team') ? 'visit-team' : null),
          {
            'visit-date': `Tanggal ditolak: harus antara hari ini dan ${MAX_DAYS_AHEAD} hari ke depan.`,
            'visit-team':
              'Nama tim ditolak: 1 sampai 8 nama, masing-masing 2 sampai 60 huruf, tanpa tanda aneh.',
          },
        );
        showErrors(form, errors, general);
      },
    );
  });
  return form;
}

function outcomeForm(r, visit) {
  const today = todayWib();
  const last = addDays(today, MAX_DAYS_AHEAD);
  const early = visit.date > today;
  const radio = (id, value, label, disabled) =>
    el(
      'div',
      { class: 'radio' },
      el('input', {
        type: 'radio',
        id,
        name: 'outcome-done',
        value,
        disabled,
        'aria-describedby': 'outcome-done-err',
      }),
      el('label', { for: id }, label),
    );
  const note = el('textarea', { rows: 3, maxLength: 1000 });
  const next = el('input', { type: 'date', min: today, max: last });
  const close = el('input', { type: 'text', autocomplete: 'off' });
  const form = formCard(
    'hc-outcome',
    `Hasil kunjungan ${fmtDayLong(visit.date)}`,
    el('p', { class: 'meta' }, `Tim: ${visit.team.join(', ')}`),
    el(
      'fieldset',
      { class: 'f', id: 'outcome-done' },
      el('legend', {}, 'Apakah kunjungan dilakukan?'),
      radio('outcome-yes', 'yes', 'Ya, sudah dilakukan', early),
      radio('outcome-no', 'no', 'Tidak jadi', false),
      early ? el('small', {}, `"Sudah dilakukan" bisa dicatat mulai ${fmtDayLong(visit.date)}.`) : null,
      el('p', { id: 'outcome-done-err', class: 'err' }),
    ),
    field(
      'outcome-note',
      'Catatan hasil (hanya untuk petugas)',
      note,
      '3 sampai 1000 huruf. Tidak dikirim lewat SMS.',
    ),
    field(
      'outcome-next',
      'Kunjungan berikutnya (tidak wajib)',
      next,
      'Untuk perawatan bulanan, atau jadwal ulang bila tidak jadi; tim yang sama, keluarga menerima SMS.',
    ),
    field(
      'outcome-close',
      'Atau tutup permintaan, dengan alasan',
      close,
      'Hanya bila kunjungan tidak jadi dan tidak dijadwalkan ulang.',
    ),
    el('button', { type: 'submit', id: 'outcome-submit' }, 'Simpan hasil kunjungan'),
  );
  const key = idempotencyKey(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const choice = form.querySelector('input[name="outcome-done"]:checked')?.value;
    const done = choice === 'yes' ? true : choice === 'no' ? false : null;
    const reason = close.value.trim();
    const errors = {};
    if (done === null) errors['outcome-done'] = 'Pilih: sudah dilakukan atau tidak jadi.';
    if (note.value.trim().length < 3) errors['outcome-note'] = 'Tulis catatan hasil, minimal 3 huruf.';
    if (reason && (done || next.value)) {
      errors['outcome-close'] = done
        ? 'Kunjungan yang dilakukan tidak menutup permintaan di sini: kosongkan alasan.'
        : 'Pilih salah satu: jadwal ulang atau tutup permintaan.';
    } else if (done === false && !next.value && !reason) {
      errors['outcome-next'] = 'Kunjungan tidak jadi: isi jadwal ulang, atau alasan menutup permintaan.';
    }
    showErrors(form, errors);
    if (Object.keys(errors).length) return;
    const json = { done, note: note.value.trim() };
    if (next.value) json.nextVisit = next.value;
    if (reason) json.closeReason = reason;
    send(
      form,
      () =>
        api(`/homecare/requests/${encodeURIComponent(r.id)}/visits/${encodeURIComponent(visit.id)}/outcome`, {
          method: 'POST',
          json,
          headers: { 'idempotency-key': key.get() },
        }),
      (res) => {
        if (res.status === 201) {
          key.used();
          const nv = res.body.nextVisit;
          const then = nv
            ? ` Kunjungan berikutnya ${fmtDayLong(nv.date)}. ${SMS[res.body.sms?.household] ?? ''}`
            : res.body.request?.status === 'CLOSED'
              ? ' Permintaan ditutup.'
              : '';
          notice(`${r.name}: kunjungan dicatat ${done ? 'sudah dilakukan' : 'tidak jadi'}.${then}`, 'ok');
          reload();
          return;
        }
        const ids = {
          done: 'outcome-done',
          note: 'outcome-note',
          nextVisit: 'outcome-next',
          closeReason: 'outcome-close',
        };
        const [errors, general] = refusal(res, (p) => ids[p] ?? null, {
          'outcome-done': `"Sudah dilakukan" baru bisa dicatat mulai ${fmtDayLong(visit.date)}.`,
          'outcome-note': 'Catatan ditolak: 3 sampai 1000 huruf, tanpa tanda aneh dari teks yang ditempel.',
          'outcome-next': `Tanggal ditolak: antara hari ini dan ${MAX_DAYS_AHEAD} hari ke depan.`,
          'outcome-close': 'Alasan ditolak: tulis alasannya dengan jelas.',
        });
        showErrors(form, errors, general);
      },
    );
  });
  return form;
}

/** Declining a request not yet scheduled, or closing one in care (a planned visit is called off with it). */
function endForm(r) {
  const to = r.status === 'REQUESTED' ? 'DECLINED' : 'CLOSED';
  const verb = to === 'DECLINED' ? 'Tolak permintaan' : 'Tutup permintaan';
  const reason = el('input', { type: 'text', autocomplete: 'off', required: true });
  const form = formCard(
    'hc-end',
    verb,
    field(
      'end-reason',
      'Alasan',
      reason,
      to === 'DECLINED'
        ? 'Misalnya: warga bisa datang sendiri ke puskesmas.'
        : 'Misalnya: warga sudah pulih, atau dirawat di tempat lain. Kunjungan yang masih terjadwal dibatalkan.',
    ),
    el('button', { type: 'submit', id: 'end-submit', class: 'secondary' }, verb),
  );
  const key = idempotencyKey(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    const errors = text.length < 3 ? { 'end-reason': 'Tulis alasannya, minimal 3 huruf.' } : {};
    showErrors(form, errors);
    if (Object.keys(errors).length) return;
    send(
      form,
      () =>
        api(`/homecare/requests/${encodeURIComponent(r.id)}/status`, {
          method: 'POST',
          json: { status: to, reason: text },
          headers: { 'idempotency-key': key.get() },
        }),
      (res) => {
        if (res.status === 200) {
          key.used();
          notice(`${r.name}: permintaan ${to === 'DECLINED' ? 'ditolak' : 'ditutup'}.`, 'ok');
          reload();
          return;
        }
        const [errors, general] = refusal(res, (p) => (p === 'reason' ? 'end-reason' : null), {
          'end-reason': 'Alasan ditolak: tulis alasannya dengan jelas, tanpa tanda aneh.',
        });
        showErrors(form, errors, general);
      },
    );
  });
  return form;
}
