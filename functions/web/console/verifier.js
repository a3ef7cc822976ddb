// Dinas Sosial's verifier (social_verifier): the RT letters still waiting for review, oldest first with the days they
// have waited and the review mark (ATTESTATION_REVIEW_DAYS, 14 by default: the day the morning reminder names them);
// one letter with its resident, RT, history and the printable letter, approved or rejected with a note from the
// keyboard; and the month's letters per RT, as a table and a CSV.
import {
  api,
  badge,
  csvDownload,
  dataTable,
  el,
  failure,
  fmtDateTime,
  fmtDay,
  notice,
  onLeave,
  state,
  todayWib,
} from './lib.js';

export const pages = [
  { hash: '#/surat', title: 'Surat menunggu', roles: ['social_verifier'], render: renderSurat },
  { hash: '#/rekap', title: 'Rekap per RT', roles: ['social_verifier'], render: renderRekap },
];

const STATUS = {
  PENDING_REVIEW: ['Menunggu verifikasi', 'wait'],
  APPROVED: ['Disetujui', 'ok'],
  REJECTED: ['Ditolak', 'bad'],
};
const ACTION = {
  AttestationIssued: 'Surat dibuat',
  AttestationDecided: 'Surat diputuskan',
};
const ROLE = {
  rt_chair: 'ketua RT',
  social_verifier: 'verifikator Dinas Sosial',
  city_admin: 'admin kota',
};
const PAGE_SIZE = 25;

// ---------- shared: RT labels with kelurahan names, days waited

let regions = null;
/** Kelurahan names by code, from GET /regions (once per page load; nothing when it cannot be read). */
function kelurahanNames() {
  regions ??= api('/regions').then((res) => {
    const names = new Map();
    if (res.status !== 200) {
      regions = null;
      return names;
    }
    for (const kec of res.body?.kecamatan ?? []) {
      for (const kel of kec.kelurahan ?? []) names.set(kel.code, kel.name);
    }
    return names;
  });
  return regions;
}

/** 1571011001-002-011 → 15.71.01.1001, the RT's kelurahan. */
const kelurahanOf = (rt) => {
  const d = rt.slice(0, 10);
  return `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}.${d.slice(6, 10)}`;
};
/** 1571011001-002-011 → RT 011 / RW 002. */
const rtShort = (rt) => `RT ${rt.slice(15)} / RW ${rt.slice(11, 14)}`;
const rtLabel = (rt, names) => {
  const kel = names.get(kelurahanOf(rt));
  return `${rtShort(rt)}${kel ? `, Kel. ${kel}` : ''}`;
};
const maskNik = (nik = '') => (nik.length === 16 ? `${nik.slice(0, 6)}******${nik.slice(12)}` : nik);

/** The WIB calendar day of a moment. */
const dayWib = (iso) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);
/** Whole WIB days a letter has waited: issued today is 0 (the review reminder counts the same way). */
const daysWaiting = (issuedAt) =>
  Math.max(0, Math.round((Date.parse(todayWib()) - Date.parse(dayWib(issuedAt))) / 86_400_000));
const reviewDays = () => state.cfg.reviewDays ?? 14;

function waited(issuedAt) {
  const days = daysWaiting(issuedAt);
  const late = days >= reviewDays();
  return {
    days,
    late,
    node: el(
      'span',
      { class: 'waited' },
      `${days} hari`,
      late ? [' ', badge(`Lewat batas ${reviewDays()} hari`, 'bad')] : null,
    ),
  };
}

// ---------- Surat menunggu (home), and one letter

function renderSurat(main, params) {
  return params ? renderLetter(main, params) : renderList(main);
}

async function renderList(main) {
  const msg = el('p', { id: 'surat-msg', class: 'hint', role: 'status' }, 'Memuat…');
  const more = el('button', { type: 'button', id: 'more', class: 'secondary', hidden: true }, 'Muat lagi');
  const holder = el('div', { id: 'surat-table' });
  main.append(
    el('h1', {}, 'Surat menunggu'),
    el(
      'p',
      {},
      `Surat keterangan RT yang belum diverifikasi, yang terlama di atas. Jaminan warga sudah aktif sejak surat dibuat; surat yang menunggu ${reviewDays()} hari atau lebih lewat batas verifikasi dan disebut dalam pengingat pagi.`,
    ),
    msg,
    holder,
    more,
  );
  const shown = [];
  let cursor = null;
  const names = await kelurahanNames();

  const load = async () => {
    more.disabled = true;
    const q = new URLSearchParams({
      status: 'PENDING_REVIEW',
      order: 'oldest',
      limit: String(PAGE_SIZE),
      ...(cursor ? { cursor } : {}),
    });
    const res = await api(`/attestations?${q}`);
    more.disabled = false;
    if (res.status !== 200) {
      msg.textContent = failure(res, 'Daftar surat');
      return;
    }
    const before = shown.length;
    shown.push(...res.body.items);
    cursor = res.body.cursor;
    more.hidden = !cursor;
    draw();
    const late = shown.filter((a) => daysWaiting(a.issuedAt) >= reviewDays()).length;
    msg.textContent = !shown.length
      ? 'Tidak ada surat yang menunggu verifikasi.'
      : `${shown.length} surat ditampilkan${cursor ? ' (ada lagi: Muat lagi)' : ''}; ${late} lewat batas ${reviewDays()} hari.`;
    // After "Muat lagi", the first new letter has the focus: the keyboard goes on where the list grew.
    if (before > 0 && shown.length > before) holder.querySelectorAll('tbody a')[before]?.focus();
  };

  const draw = () => {
    if (!shown.length) {
      holder.replaceChildren();
      return;
    }
    const waits = shown.map((a) => waited(a.issuedAt));
    const table = dataTable({
      caption: 'Surat menunggu verifikasi, terlama di atas',
      columns: ['Dibuat', 'Menunggu', 'Warga', 'NIK', 'RT', 'Alasan'],
      rows: shown.map((a, i) => [
        fmtDateTime(a.issuedAt),
        waits[i].node,
        el('a', { href: `#/surat/${encodeURIComponent(a.id)}` }, a.resident?.name ?? a.id),
        el('span', { class: 'mono' }, maskNik(a.resident?.nik)),
        rtLabel(a.rt, names),
        a.reason ?? '',
      ]),
    });
    table.id = 'surat-list';
    [...table.tBodies[0].rows].forEach((row, i) => {
      row.dataset.id = shown[i].id;
      if (waits[i].late) row.classList.add('overdue');
    });
    holder.replaceChildren(table);
  };

  more.addEventListener('click', load);
  await load();
}

async function renderLetter(main, id) {
  const back = el('p', {}, el('a', { href: '#/surat' }, '← Kembali ke daftar surat menunggu'));
  const [res, names] = await Promise.all([api(`/attestations/${encodeURIComponent(id)}`), kelurahanNames()]);
  if (res.status !== 200) {
    main.append(
      el('h1', {}, res.status === 404 ? 'Surat tidak ditemukan' : 'Surat'),
      el('p', { class: 'err', role: 'alert' }, failure(res, 'Surat ini')),
      back,
    );
    return;
  }
  const a = res.body;
  const r = a.resident ?? {};
  const [statusText, statusKind] = STATUS[a.status] ?? [a.status, 'none'];
  const wait = waited(a.issuedAt);
  const facts = [
    ['Nama', r.name],
    ['NIK', el('span', { class: 'mono' }, r.nik ?? '')],
    ['Tanggal lahir', fmtDay(r.birthDate)],
    ['Jenis kelamin', r.sex === 'F' ? 'Perempuan' : r.sex === 'M' ? 'Laki-laki' : ''],
    r.kk ? ['Nomor KK', el('span', { class: 'mono' }, r.kk)] : null,
    ['RT', [rtLabel(a.rt, names), el('span', { class: 'meta' }, ` (${a.rt})`)]],
    ['Alasan', a.reason],
    ['Fasilitas tujuan', a.facility || '—'],
    ['Dibuat', `${fmtDateTime(a.issuedAt)} WIB oleh akun ketua RT ${a.issuedBy ?? ''}`],
    ['Warga baru', a.registered ? 'Ya, terdaftar oleh surat ini' : 'Tidak, sudah terdaftar sebelumnya'],
    [
      'Status',
      [badge(statusText, statusKind), a.status === 'PENDING_REVIEW' ? [' · sudah ', wait.node] : null],
    ],
  ].filter(Boolean);

  const letterButton = el(
    'button',
    { type: 'button', id: 'open-letter', class: 'secondary' },
    'Buka surat untuk dicetak',
  );
  main.append(
    back,
    el('h1', {}, `Surat keterangan: ${r.name ?? a.id}`),
    el(
      'div',
      { class: 'columns' },
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'facts-title' },
        el('h2', { id: 'facts-title' }, 'Warga dan surat'),
        el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v ?? '')])),
        el('div', { class: 'actions' }, letterButton),
      ),
      a.status === 'PENDING_REVIEW' ? decisionForm(a) : decided(a),
    ),
    historyCard(a.audit ?? []),
    letterDialog(),
  );
  letterButton.addEventListener('click', () => openLetter(a.id, letterButton));
}

function decided(a) {
  const d = a.decision ?? {};
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'decided-title' },
    el('h2', { id: 'decided-title' }, 'Keputusan'),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Keputusan'),
      el('dd', {}, badge(...(STATUS[a.status] ?? [a.status, 'none']))),
      el('dt', {}, 'Waktu'),
      el('dd', {}, d.at ? `${fmtDateTime(d.at)} WIB` : ''),
      el('dt', {}, 'Oleh akun'),
      el('dd', {}, d.by ?? ''),
      el('dt', {}, 'Catatan'),
      el('dd', {}, d.note ?? ''),
    ),
  );
}

function historyCard(audit) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    el('h2', { id: 'history-title' }, 'Riwayat'),
    audit.length
      ? el(
          'ol',
          { class: 'history' },
          ...audit.map((h) =>
            el(
              'li',
              {},
              el('strong', {}, ACTION[h.action] ?? h.action ?? ''),
              ` · ${fmtDateTime(h.at)} WIB · oleh ${(h.actor?.roles ?? []).map((x) => ROLE[x] ?? x).join(', ')} (akun ${h.actor?.sub ?? '?'})`,
              h.after?.status
                ? [' · ', badge(...(STATUS[h.after.status] ?? [h.after.status, 'none']))]
                : null,
              h.reason
                ? el(
                    'div',
                    { class: 'meta' },
                    `${h.action === 'AttestationDecided' ? 'Catatan' : 'Alasan'}: ${h.reason}`,
                  )
                : null,
              h.after?.coverageClosed
                ? el('div', { class: 'meta' }, 'Jaminan dari surat ini ditutup.')
                : null,
            ),
          ),
        )
      : el('p', { class: 'hint' }, 'Belum ada catatan.'),
  );
}

// ---------- the decision: a radio group and a note, all from the keyboard

const FIELD_TEXT = {
  decision: () => 'Pilih setujui atau tolak.',
  note: (message) => `Periksa catatan: ${message}`,
};

function decisionForm(a) {
  const name = a.resident?.name ?? '';
  const radio = (id, value, label) =>
    el(
      'div',
      { class: 'radio' },
      el('input', {
        type: 'radio',
        id,
        name: 'decision',
        value,
        'aria-describedby': 'decision-err',
      }),
      el('label', { for: id }, label),
    );
  const note = el('textarea', {
    id: 'note',
    name: 'note',
    rows: 4,
    maxLength: 1000,
    'aria-describedby': 'note-hint note-err',
  });
  const submit = el('button', { type: 'submit', id: 'decide-submit' }, 'Simpan keputusan');
  const general = el('p', { id: 'decide-err', class: 'err', role: 'alert' });
  const form = el(
    'form',
    { id: 'decide', class: 'card', novalidate: true, 'aria-labelledby': 'decide-title' },
    el('h2', { id: 'decide-title' }, 'Keputusan verifikasi'),
    el(
      'fieldset',
      { class: 'f', id: 'decision' },
      el('legend', {}, 'Keputusan'),
      radio('d-approve', 'APPROVED', 'Setujui: warga memang layak dibantu'),
      radio('d-reject', 'REJECTED', 'Tolak: jaminan dari surat ini ditutup dan warga menerima SMS'),
      el('p', { id: 'decision-err', class: 'err' }),
    ),
    el(
      'div',
      { class: 'f' },
      el('label', { for: 'note' }, 'Catatan pemeriksaan'),
      note,
      el('small', { id: 'note-hint' }, 'Apa yang diperiksa, 3 sampai 1000 huruf. Ctrl+Enter menyimpan.'),
      el('p', { id: 'note-err', class: 'err' }),
    ),
    general,
    submit,
  );
  const radios = () => [...form.querySelectorAll('input[name="decision"]')];
  /** The errors beside their fields (aria-invalid), a general one under the form. */
  const setErrors = (errors, text = '') => {
    form.querySelector('#decision-err').textContent = errors.decision ?? '';
    form.querySelector('#note-err').textContent = errors.note ?? '';
    for (const r of radios()) {
      if (errors.decision) r.setAttribute('aria-invalid', 'true');
      else r.removeAttribute('aria-invalid');
    }
    if (errors.note) note.setAttribute('aria-invalid', 'true');
    else note.removeAttribute('aria-invalid');
    general.textContent = text;
  };
  /** …and the focus on the first field in error. */
  const show = (errors, text = '') => {
    setErrors(errors, text);
    if (errors.decision) (radios().find((r) => r.checked) ?? radios()[0]).focus();
    else if (errors.note) note.focus();
  };
  // Ctrl+Enter (⌘+Enter) in the note sends the form, as Enter does in the radio group.
  note.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  // A field's error goes as soon as it is changed; the other's stays.
  form.addEventListener('input', (event) => {
    const errors = {
      decision: form.querySelector('#decision-err').textContent || undefined,
      note: form.querySelector('#note-err').textContent || undefined,
    };
    if (event.target === note) errors.note = undefined;
    else if (event.target.name === 'decision') errors.decision = undefined;
    setErrors(errors, general.textContent);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const decision = radios().find((r) => r.checked)?.value;
    const text = note.value.trim();
    const errors = {};
    if (!decision) errors.decision = 'Pilih setujui atau tolak.';
    if (text.length < 3) errors.note = 'Tulis apa yang diperiksa, minimal 3 huruf.';
    show(errors);
    if (Object.keys(errors).length) return;
    submit.disabled = true;
    const res = await api(`/attestations/${encodeURIComponent(a.id)}/decision`, {
      method: 'POST',
      json: { decision, note: text },
    });
    submit.disabled = false;
    if (res.status === 200) {
      const closed = res.body?.coverageClosed ? ' Jaminan dari surat ini ditutup.' : '';
      notice(`Surat ${name} ${decision === 'APPROVED' ? 'disetujui' : 'ditolak'}.${closed}`, 'ok');
      location.hash = '#/surat';
      return;
    }
    if (res.status === 400 && Array.isArray(res.body?.issues)) {
      const byField = {};
      const rest = [];
      for (const { path = '', message = '' } of res.body.issues) {
        const field = Object.hasOwn(FIELD_TEXT, path) ? path : undefined;
        if (field) byField[field] ??= FIELD_TEXT[field](message);
        else rest.push(`${path}: ${message}`);
      }
      show(byField, rest.length ? `Keputusan ditolak: ${rest.join('; ')}` : '');
      return;
    }
    show(
      {},
      res.status === 409
        ? 'Surat ini sudah diputuskan, mungkin oleh verifikator lain. Kembali ke daftar dan buka lagi.'
        : res.status === 401
          ? ''
          : failure(res, 'Keputusan'),
    );
  });
  return form;
}

// ---------- the printable letter: fetched with the token, shown from a blob: URL in a sandboxed frame

function letterDialog() {
  const frame = el('iframe', { id: 'letter-frame', title: 'Surat keterangan untuk dicetak' });
  // No allow-scripts: the letter's HTML runs nothing; same origin so the console can print it.
  frame.setAttribute('sandbox', 'allow-same-origin allow-modals');
  const dialog = el(
    'dialog',
    { id: 'letter', class: 'letter', 'aria-labelledby': 'letter-title' },
    el(
      'div',
      { class: 'bar' },
      el('h2', { id: 'letter-title' }, 'Surat keterangan'),
      el('button', { type: 'button', id: 'print', onclick: () => frame.contentWindow?.print() }, 'Cetak'),
      el(
        'button',
        { type: 'button', id: 'close', class: 'secondary', onclick: () => dialog.close() },
        'Tutup',
      ),
    ),
    frame,
  );
  dialog.addEventListener('close', () => {
    const url = frame.dataset.url;
    frame.removeAttribute('src');
    delete frame.dataset.url;
    if (url) URL.revokeObjectURL(url);
    dialog.returnFocus?.focus();
  });
  onLeave(() => {
    if (dialog.open) dialog.close();
  });
  return dialog;
}

async function openLetter(id, opener) {
  opener.disabled = true;
  notice('Memuat surat…');
  const res = await api(`/attestations/${encodeURIComponent(id)}/letter`);
  opener.disabled = false;
  const dialog = document.getElementById('letter');
  if (res.status !== 200 || !dialog) {
    notice(res.status === 401 ? '' : failure(res, 'Surat'), 'error');
    return;
  }
  notice('');
  const frame = dialog.querySelector('iframe');
  const url = URL.createObjectURL(new Blob([res.text], { type: 'text/html;charset=utf-8' }));
  frame.dataset.url = url;
  frame.src = url;
  dialog.returnFocus = opener;
  dialog.showModal();
  dialog.querySelector('#print').focus();
}

// ---------- Rekap per RT: the month's letters per RT

const monthName = new Intl.DateTimeFormat('id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const fmtMonth = (ym) => monthName.format(new Date(`${ym}-01T00:00:00Z`));
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

async function renderRekap(main, params) {
  const thisMonth = todayWib().slice(0, 7);
  const month = el('input', {
    type: 'month',
    id: 'month',
    name: 'month',
    value: MONTH.test(params) ? params : thisMonth,
    max: thisMonth,
    min: '2020-01',
    'aria-describedby': 'month-err',
  });
  const monthErr = el('p', { id: 'month-err', class: 'err' });
  const msg = el('p', { id: 'rekap-msg', class: 'hint', role: 'status' });
  const holder = el('div', { id: 'rekap-table' });
  const csv = el('button', { type: 'button', id: 'csv', class: 'secondary', disabled: true }, 'Unduh CSV');
  const form = el(
    'form',
    { class: 'inline', novalidate: true, 'aria-label': 'Pilih bulan' },
    el('div', { class: 'f' }, el('label', { for: 'month' }, 'Bulan'), month, monthErr),
    el('button', { type: 'submit' }, 'Tampilkan'),
    csv,
  );
  main.append(
    el('h1', {}, 'Rekap per RT'),
    el(
      'p',
      {},
      'Surat keterangan yang dibuat tiap RT dalam sebulan, dan sejauh mana verifikasinya. RT yang membuat surat jauh lebih banyak dari yang lain patut diperiksa.',
    ),
    form,
    msg,
    holder,
  );
  let shown = null;
  const names = await kelurahanNames();

  const load = async () => {
    const value = month.value.trim();
    if (!MONTH.test(value)) {
      monthErr.textContent = 'Pilih bulan (tahun dan bulan).';
      month.setAttribute('aria-invalid', 'true');
      month.focus();
      return;
    }
    monthErr.textContent = '';
    month.removeAttribute('aria-invalid');
    // The month in the address, so the page can be bookmarked; no new route (the focus stays here).
    history.replaceState(null, '', `#/rekap/${value}`);
    msg.textContent = 'Memuat…';
    csv.disabled = true;
    const res = await api(`/attestations/counts?month=${encodeURIComponent(value)}`);
    if (res.status !== 200) {
      holder.replaceChildren();
      shown = null;
      const issue = res.body?.issues?.find((i) => i.path === 'month');
      if (issue) {
        monthErr.textContent = `Periksa bulan: ${issue.message}`;
        month.setAttribute('aria-invalid', 'true');
        month.focus();
        msg.textContent = '';
      } else msg.textContent = failure(res, 'Rekap');
      return;
    }
    const body = res.body;
    shown = body;
    const t = body.totals ?? { issued: 0, pending: 0, approved: 0, rejected: 0 };
    msg.textContent = body.rts.length
      ? `${fmtMonth(body.month)}: ${t.issued} surat dari ${body.rts.length} RT; ${t.pending} menunggu, ${t.approved} disetujui, ${t.rejected} ditolak. Batas per RT: ${body.dailyLimitPerRt} surat sehari.`
      : `${fmtMonth(body.month)}: belum ada surat.`;
    csv.disabled = !body.rts.length;
    if (!body.rts.length) {
      holder.replaceChildren();
      return;
    }
    const table = dataTable({
      caption: `Surat keterangan per RT, ${fmtMonth(body.month)} (terbanyak di atas)`,
      columns: ['RT', 'Kelurahan', 'Dibuat', 'Menunggu', 'Disetujui', 'Ditolak'],
      rows: [
        ...body.rts.map((r) => [
          el('span', {}, rtShort(r.rt), el('span', { class: 'meta' }, ` (${r.rt})`)),
          names.get(kelurahanOf(r.rt)) ?? kelurahanOf(r.rt),
          r.issued,
          r.pending,
          r.approved,
          r.rejected,
        ]),
        ['Jumlah', '', t.issued, t.pending, t.approved, t.rejected],
      ],
    });
    table.id = 'rekap';
    table.tBodies[0].rows[body.rts.length].classList.add('total');
    for (const i of [2, 3, 4, 5]) table.tHead.rows[0].cells[i].classList.add('num');
    holder.replaceChildren(table);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  csv.addEventListener('click', () => {
    if (!shown) return;
    csvDownload(
      `surat-per-rt-${shown.month}.csv`,
      ['rt', 'kelurahan', 'dibuat', 'menunggu', 'disetujui', 'ditolak'],
      shown.rts.map((r) => [
        r.rt,
        names.get(kelurahanOf(r.rt)) ?? kelurahanOf(r.rt),
        r.issued,
        r.pending,
        r.approved,
        r.rejected,
      ]),
    );
  });
  await load();
}
