// The city administrator's dashboard (city_admin): UHC per kelurahan against the city's thresholds, the premium bill
// of the last 12 months, the RT funds' realisation per kelurahan, the 112 response times per week and the SMS
// reminders' funnel and spend. Every chart is drawn with uPlot from the API's own figures and comes with its data
// table (the text equivalent) and a CSV of that table; area names come from GET /regions only.
import {
  api,
  csvDownload,
  dataTable,
  el,
  failure,
  fmtDay,
  fmtNumber,
  fmtPct,
  fmtRupiah,
  onLeave,
  todayWib,
} from './lib.js';

/** uPlot (vendor/, MIT), loaded when a dashboard page opens: the console's other roles never fetch it. */
let uPlot = null;
let uPlotRun = null;
function loadUPlot() {
  uPlotRun ??= import('./vendor/uPlot.esm.js').then(
    (m) => {
      uPlot = m.default;
      return uPlot;
    },
    (error) => {
      // Tried again on the next page (a connection back).
      uPlotRun = null;
      throw error;
    },
  );
  return uPlotRun;
}

export const pages = [
  { hash: '#/dasbor', title: 'Dasbor', roles: ['city_admin'], render: renderDasbor },
  { hash: '#/respon', title: '112', roles: ['city_admin'], render: renderRespon },
  { hash: '#/pengingat', title: 'Pengingat SMS', roles: ['city_admin'], render: renderPengingat },
];

// ---------- the calendar (WIB) and small formatters

const DAY_MS = 86_400_000;
const addDays = (ymd, n) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** YYYY-MM, n months from a month. */
function addMonths(ym, n) {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}
const lastDayOf = (ym) => addDays(`${addMonths(ym, 1)}-01`, -1);
const monthName = new Intl.DateTimeFormat('id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthShort = new Intl.DateTimeFormat('id-ID', { month: 'short', year: '2-digit', timeZone: 'UTC' });
const dayShort = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' });
/** "November 2026". */
const fmtMonth = (ym) => monthName.format(new Date(`${ym}-01T00:00:00Z`));
/** "Nov 26", for an axis. */
const fmtMonthShort = (ym) => monthShort.format(new Date(`${ym}-01T00:00:00Z`));
/** "7 Des", for an axis. */
const fmtDayShort = (ymd) => dayShort.format(new Date(`${ymd}T00:00:00Z`));

const usd = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** The SMS spend, in the dollars SNS bills: "US$ 1,24". */
const fmtUsd = (n) => `US$ ${usd.format(n)}`;
const dec1 = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 });
/** A duration in seconds as a desk reads it: "45 detik", "3,5 menit". */
function fmtSeconds(s) {
  if (s == null) return '–';
  if (s < 60) return `${dec1.format(s)} detik`;
  if (s < 3600) return `${dec1.format(s / 60)} menit`;
  return `${dec1.format(s / 3600)} jam`;
}
/** Rupiah on an axis, short: "Rp 4,5 jt", "Rp 1,2 M". */
function rupiahShort(n) {
  if (Math.abs(n) >= 1e9) return `Rp ${dec1.format(n / 1e9)} M`;
  if (Math.abs(n) >= 1e6) return `Rp ${dec1.format(n / 1e6)} jt`;
  if (Math.abs(n) >= 1e3) return `Rp ${dec1.format(n / 1e3)} rb`;
  return `Rp ${n}`;
}
/** A threshold as the city states it: "98%". */
const pctLevel = (p) => `${dec1.format(p)}%`;
/** A share as a percentage (0–100), or null when there is nothing to divide; written with one decimal. */
const share = (part, whole) => (whole > 0 ? (part / whole) * 100 : null);
const pctOrDash = (p) => (p == null ? '–' : fmtPct(p / 100));

// ---------- the regions (names of areas come from here only)

let regionsRun = null;
/** GET /regions once per visit of the console: code → {name, kecamatan}. */
function regions() {
  regionsRun ??= api('/regions').then((res) => {
    if (res.status !== 200) {
      regionsRun = null;
      throw new Error(`Daftar wilayah tidak bisa dimuat (HTTP ${res.status}).`);
    }
    const kelurahan = new Map();
    for (const kec of res.body.kecamatan) {
      for (const k of kec.kelurahan) kelurahan.set(k.code, { name: k.name, kecamatan: kec.name });
    }
    return { city: res.body.city, kecamatan: res.body.kecamatan, kelurahan };
  });
  return regionsRun;
}
/** The kelurahan's name from /regions; its code when the region data does not list it (old data). */
const kelName = (reg, code) => reg.kelurahan.get(code)?.name ?? code;
const kecName = (reg, code) => reg.kelurahan.get(code)?.kecamatan ?? '';

// ---------- page pieces

/** Fails with the API's own words when an answer is not the one expected. */
async function load(path, what) {
  const res = await api(path);
  if (res.status !== 200) throw new Error(failure(res, what) || `${what} tidak bisa dimuat.`);
  return res.body;
}

/** A titled section of a page that fills itself; a failure is said in it, the other sections carry on. */
function section(main, id, title, intro) {
  const body = el('div', { class: 'section-body', 'aria-busy': 'true' }, el('p', {}, 'Memuat…'));
  const node = el(
    'section',
    { id, class: 'card', 'aria-labelledby': `${id}-h` },
    el('h2', { id: `${id}-h` }, title),
    intro ? el('p', { class: 'intro' }, intro) : null,
    body,
  );
  main.append(node);
  return {
    node,
    body,
    /** Replaces the content, marks the section loaded. */
    fill(...kids) {
      body.replaceChildren(...kids.filter(Boolean));
      body.removeAttribute('aria-busy');
    },
    fail(error) {
      body.replaceChildren(el('p', { class: 'err', role: 'alert' }, String(error.message ?? error)));
      body.removeAttribute('aria-busy');
    },
  };
}

const empty = (text) => el('p', { class: 'empty' }, text);
/** Rupiah in a table cell: right-aligned and never broken between "Rp" and the number. */
const money = (n) => el('span', { class: 'money' }, fmtRupiah(n));

/**
 * A chart's figure: the canvas (drawn once in the page), its legend, the table with the same figures (for screen
 * readers and for reading exact numbers) and a CSV of that table.
 */
function figure({ id, caption, summary, columns, rows, csv, draw }) {
  const holder = el('div', { class: 'chart', id: `${id}-chart` });
  const fig = el(
    'figure',
    { class: 'chart-figure', id },
    el('figcaption', {}, caption),
    holder,
    el(
      'details',
      { class: 'chart-data' },
      el('summary', {}, `Tabel data: ${caption}`),
      dataTable({ caption, columns, rows }),
    ),
    el(
      'p',
      { class: 'chart-actions' },
      el(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => csvDownload(csv.filename, csv.header, csv.rows),
        },
        `Unduh CSV: ${caption}`,
      ),
    ),
  );
  // Drawn once the figure is in the page and has a width.
  loadUPlot().then(
    () => {
      if (holder.isConnected) drawChart(holder, summary, draw());
    },
    () =>
      holder.replaceChildren(
        el('p', { class: 'err' }, 'Diagram tidak bisa dimuat; angkanya ada di tabel data.'),
      ),
  );
  return fig;
}

/** uPlot's own stylesheet (CSP: style from 'self') and the dashboard's few rules of its own, once. */
function chartCss() {
  if (document.querySelector('link[data-uplot]')) return;
  document.head.append(
    el('link', { rel: 'stylesheet', href: 'vendor/uPlot.min.css', 'data-uplot': '' }),
    el('style', { id: 'admin-style' }, DASHBOARD_CSS),
  );
}

// The dashboard's own parts (figures, key numbers); the rest comes from app.css (.card, .inline, table.data).
const DASHBOARD_CSS = `
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem;margin:.5rem 0 1rem}
.stat{background:#f7f9fc;border:1px solid #d3dae3;border-radius:6px;padding:.55rem .8rem}
.stat-label,.stat-note{display:block;font-size:.875rem;color:#46515c}
.stat-value{display:block;font-size:1.3rem;font-variant-numeric:tabular-nums}
figure.chart-figure{margin:0}
figure.chart-figure figcaption{font-weight:600;margin:0 0 .4rem}
.chart{width:100%;min-width:0;overflow:hidden}
.chart .uplot{font-family:inherit}
.chart .u-legend{font-size:.875rem;text-align:left}
details.chart-data{margin:.5rem 0}
details.chart-data summary{cursor:pointer;padding:.25rem 0}
details.chart-data table.data{margin-top:.5rem}
details.chart-data table.data thead th{white-space:normal}
details.chart-data table.data :is(th,td){overflow-wrap:normal}
.money{display:block;text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
`;

/** Draws a uPlot chart that follows its container's width; gone with the page. */
function drawChart(holder, summary, { opts, data }) {
  chartCss();
  const width = () => Math.max(280, Math.floor(holder.clientWidth));
  const legend = {
    // A dashed line (a threshold, a p90) is dashed in the legend too.
    markers: { width: 3, dash: (self, i) => (self.series[i].dash ? 'dashed' : 'solid') },
  };
  const u = new uPlot({ legend, ...opts, width: width() }, data, holder);
  // The canvas speaks as one image; its figures are in the table below it.
  u.ctx.canvas.setAttribute('role', 'img');
  u.ctx.canvas.setAttribute('aria-label', summary);
  // What the chart was given, for whoever inspects the page (and the tests).
  holder.uplot = u;
  let last = width();
  const ro = new ResizeObserver(() => {
    const w = width();
    if (w !== last) {
      last = w;
      u.setSize({ width: w, height: opts.height });
    }
  });
  ro.observe(holder);
  onLeave(() => {
    ro.disconnect();
    u.destroy();
  });
}

// Colours with enough contrast on white, told apart without colour too (legend, dashes, table).
const BLUE = '#1d5fa8';
const ORANGE = '#b45309';
const GREEN = '#1e7b45';
const RED = '#b42318';
const AXIS = { stroke: '#1f2937', grid: { stroke: '#e5e7eb', width: 1 }, ticks: { stroke: '#d1d5db' } };

/** A bar series' path for categories: `align` −1 / 1 puts two series side by side. */
const bars = (align = 0, factor = 0.7) => uPlot.paths.bars({ size: [factor, 48], align, gap: 2 });

/**
 * A level (a threshold, a budget) across the whole plot, whatever the data's extent: the series holds the value at
 * every category, so the chart's data says where the line is.
 */
function levelPath(u, seriesIdx) {
  const v = u.data[seriesIdx].find((x) => x != null);
  const p = new Path2D();
  if (v == null) return { stroke: p, fill: null, clip: null };
  const { left, top, width, height } = u.bbox;
  const at = u.valToPos(v, u.series[seriesIdx].scale ?? 'y', true);
  if (u.scales.x.ori === 1) {
    p.moveTo(at, top);
    p.lineTo(at, top + height);
  } else {
    p.moveTo(left, at);
    p.lineTo(left + width, at);
  }
  return { stroke: p, fill: null, clip: null };
}

const levelSeries = (label, stroke, dash) => ({
  label,
  stroke,
  width: 2,
  dash,
  paths: levelPath,
  points: { show: false },
});

/** Ticks a count takes: whole numbers. */
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
/** Ticks a duration in seconds takes: seconds, minutes, hours as a desk counts them. */
const SECOND_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400];

/** Category axis labels (kelurahan, months, weeks) at whole indexes only. */
const categoryAxis = (labels, extra = {}) => ({
  ...AXIS,
  grid: { show: false },
  splits: () => labels.map((_, i) => i),
  values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
  ...extra,
});

/** Room for the longest label on a side axis, measured in the canvas's font. */
function labelRoom(labels) {
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = '12px system-ui, sans-serif';
  return Math.ceil(Math.max(40, ...labels.map((t) => ctx.measureText(t).width))) + 16;
}

// ---------- Dasbor

async function renderDasbor(main) {
  chartCss();
  // The chart library comes while the figures are asked for.
  loadUPlot().catch(() => undefined);
  main.append(el('h1', {}, 'Dasbor kota'));
  const uhc = section(
    main,
    'uhc',
    'Cakupan JKN per kelurahan (UHC)',
    'Warga tercakup JKN dan yang aktif, dibanding batas UHC kota.',
  );
  const premi = section(
    main,
    'premi',
    'Tagihan iuran PBI APBD, 12 bulan terakhir',
    'Warga yang iurannya dibayar kota (PBI APBD) tiap bulan dan tagihannya.',
  );
  const dana = section(
    main,
    'dana',
    'Realisasi Dana Kampung Bahagia per kelurahan',
    'Alokasi dana RT tahun ini dan yang sudah terpakai, dijumlah per kelurahan.',
  );
  await Promise.all([fillUhc(uhc), fillPremiums(premi), fillFunds(dana)]);
}

async function fillUhc(sec, area) {
  try {
    const q = area ? `?area=${encodeURIComponent(area)}` : '';
    const [reg, body] = await Promise.all([regions(), load(`/uhc${q}`, 'Data UHC')]);
    const t = body.thresholds;
    const areaLabel = area ? reg.kecamatan.find((k) => k.code === area)?.name : reg.city.name;
    const picker = areaPicker(reg, area, (next) => {
      sec.body.setAttribute('aria-busy', 'true');
      fillUhc(sec, next);
    });
    const rows = body.kelurahan.filter((k) => k.residents > 0);
    const without = body.kelurahan.length - rows.length;
    const headline = el(
      'div',
      { class: 'stats' },
      stat('Warga terdaftar', fmtNumber(body.residents)),
      stat('Tercakup JKN', pctOrDash(share(body.covered, body.residents)), `batas ${pctLevel(t.coveredPct)}`),
      stat('JKN aktif', pctOrDash(share(body.active, body.residents)), `batas ${pctLevel(t.activePct)}`),
      stat(
        'Status UHC',
        body.uhc ? 'UHC tercapai' : 'Belum UHC',
        `${areaLabel}: tercakup ≥ ${pctLevel(t.coveredPct)} dan aktif ≥ ${pctLevel(t.activePct)}`,
      ),
    );
    if (rows.length === 0) {
      sec.fill(picker, headline, empty(`Belum ada data warga di ${areaLabel}.`));
      return;
    }
    const names = rows.map((k) => kelName(reg, k.code));
    const tableRows = rows.map((k, i) => [
      names[i],
      kecName(reg, k.code),
      k.residents,
      k.covered,
      pctOrDash(share(k.covered, k.residents)),
      k.active,
      pctOrDash(share(k.active, k.residents)),
      k.uhc ? 'Ya' : 'Belum',
    ]);
    const fig = figure({
      id: 'uhc-fig',
      caption: `Cakupan JKN per kelurahan, ${areaLabel}`,
      summary: `Diagram batang: persentase warga tercakup JKN dan JKN aktif di ${rows.length} kelurahan, dengan garis batas ${t.coveredPct}% dan ${t.activePct}%. Angkanya ada di tabel data.`,
      columns: ['Kelurahan', 'Kecamatan', 'Warga', 'Tercakup', 'Tercakup (%)', 'Aktif', 'Aktif (%)', 'UHC'],
      rows: tableRows,
      csv: {
        filename: `uhc-${area ?? body.area}-${todayWib()}.csv`,
        header: [
          'kode',
          'kelurahan',
          'kecamatan',
          'warga',
          'tercakup',
          'tercakup_persen',
          'aktif',
          'aktif_persen',
          'uhc',
        ],
        rows: rows.map((k, i) => [
          k.code,
          names[i],
          kecName(reg, k.code),
          k.residents,
          k.covered,
          k.coveredPct,
          k.active,
          k.activePct,
          k.uhc ? 'ya' : 'belum',
        ]),
      },
      draw: () => uhcChart(names, rows, t),
    });
    sec.fill(
      picker,
      headline,
      fig,
      without > 0
        ? el('p', { class: 'note' }, `${fmtNumber(without)} kelurahan lain belum punya data warga.`)
        : null,
    );
  } catch (error) {
    sec.fail(error);
  }
}

/** The city or one of its kecamatan, named from /regions. */
function areaPicker(reg, area, onPick) {
  const select = el(
    'select',
    { id: 'uhc-area' },
    el('option', { value: '' }, `Seluruh ${reg.city.name}`),
    ...reg.kecamatan.map((k) => el('option', { value: k.code }, `Kecamatan ${k.name}`)),
  );
  select.value = area ?? '';
  select.addEventListener('change', () => onPick(select.value || undefined));
  return el(
    'div',
    { class: 'inline' },
    el('div', { class: 'f' }, el('label', { for: 'uhc-area' }, 'Wilayah'), select),
  );
}

function stat(label, value, note) {
  return el(
    'div',
    { class: 'stat' },
    el('span', { class: 'stat-label' }, label),
    el('strong', { class: 'stat-value' }, value),
    note ? el('span', { class: 'stat-note' }, note) : null,
  );
}

/** Horizontal bars (kelurahan down the side: their names stay readable however many) against the two lines. */
function uhcChart(names, rows, t) {
  const n = rows.length;
  const idx = rows.map((_, i) => i);
  return {
    opts: {
      height: 70 + n * 38,
      scales: {
        x: { time: false, ori: 1, dir: -1, range: [-0.5, n - 0.5] },
        y: { ori: 0, dir: 1, range: [0, 100] },
      },
      axes: [
        categoryAxis(names, { side: 3, size: labelRoom(names) }),
        { ...AXIS, side: 2, space: 50, values: (_u, splits) => splits.map((v) => `${v}%`) },
      ],
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'Kelurahan', value: (_u, i) => names[i] ?? '' },
        {
          label: 'Tercakup JKN (%)',
          fill: BLUE,
          stroke: BLUE,
          paths: bars(-1, 0.4),
          points: { show: false },
          value: (_u, v) => (v == null ? '–' : fmtPct(v / 100)),
        },
        {
          label: 'JKN aktif (%)',
          fill: ORANGE,
          stroke: ORANGE,
          paths: bars(1, 0.4),
          points: { show: false },
          value: (_u, v) => (v == null ? '–' : fmtPct(v / 100)),
        },
        levelSeries(`Batas tercakup ${pctLevel(t.coveredPct)}`, '#0b2e59', [8, 4]),
        levelSeries(`Batas aktif ${pctLevel(t.activePct)}`, RED, [3, 3]),
      ],
    },
    data: [
      idx,
      rows.map((k) => share(k.covered, k.residents)),
      rows.map((k) => share(k.active, k.residents)),
      idx.map(() => t.coveredPct),
      idx.map(() => t.activePct),
    ],
  };
}

async function fillPremiums(sec) {
  try {
    const now = todayWib().slice(0, 7);
    const months = Array.from({ length: 12 }, (_, i) => addMonths(now, i - 11));
    // One request per month, all at once.
    const bills = await Promise.all(months.map((m) => load(`/premiums/${m}`, `Tagihan ${fmtMonth(m)}`)));
    const total = bills.reduce((s, b) => s + b.total, 0);
    if (bills.every((b) => b.residents === 0)) {
      sec.fill(empty('Belum ada tagihan iuran PBI APBD dalam 12 bulan terakhir.'));
      return;
    }
    const latest = bills[bills.length - 1];
    const headline = el(
      'div',
      { class: 'stats' },
      stat(
        `Tagihan ${fmtMonth(latest.month)}`,
        fmtRupiah(latest.total),
        `jatuh tempo ${fmtDay(latest.dueDate)}`,
      ),
      stat(
        'Peserta PBI APBD',
        fmtNumber(latest.residents),
        `iuran ${fmtRupiah(latest.premiumPerPerson)} per orang`,
      ),
      stat('Jumlah 12 bulan', fmtRupiah(total)),
    );
    const labels = months.map(fmtMonthShort);
    const fig = figure({
      id: 'premi-fig',
      caption: `Tagihan iuran PBI APBD, ${fmtMonth(months[0])} – ${fmtMonth(now)}`,
      summary: `Diagram batang: tagihan iuran PBI APBD tiap bulan selama 12 bulan, terakhir ${fmtRupiah(latest.total)}. Angkanya ada di tabel data.`,
      columns: ['Bulan', 'Peserta', 'Iuran per orang', 'Tagihan', 'Jatuh tempo'],
      rows: bills.map((b) => [
        fmtMonth(b.month),
        b.residents,
        money(b.premiumPerPerson),
        money(b.total),
        fmtDay(b.dueDate),
      ]),
      csv: {
        filename: `tagihan-pbi-apbd-${months[0]}-${now}.csv`,
        header: ['bulan', 'peserta', 'iuran_per_orang', 'tagihan', 'jatuh_tempo'],
        rows: bills.map((b) => [b.month, b.residents, b.premiumPerPerson, b.total, b.dueDate]),
      },
      draw: () => ({
        opts: {
          height: 300,
          scales: {
            x: { time: false, range: [-0.5, months.length - 0.5] },
            y: { range: (_u, _min, max) => [0, max * 1.1 || 1] },
          },
          axes: [
            categoryAxis(labels),
            { ...AXIS, size: 80, values: (_u, splits) => splits.map(rupiahShort) },
          ],
          cursor: { drag: { x: false, y: false } },
          series: [
            { label: 'Bulan', value: (_u, i) => (i == null ? '' : fmtMonth(months[i])) },
            {
              label: 'Tagihan',
              fill: BLUE,
              stroke: BLUE,
              paths: bars(0, 0.6),
              points: { show: false },
              value: (_u, v) => (v == null ? '–' : fmtRupiah(v)),
            },
          ],
        },
        data: [months.map((_, i) => i), bills.map((b) => b.total)],
      }),
    });
    sec.fill(headline, fig);
  } catch (error) {
    sec.fail(error);
  }
}

async function fillFunds(sec, year) {
  try {
    const thisYear = Number(todayWib().slice(0, 4));
    const y = year ?? thisYear;
    const [reg, body] = await Promise.all([regions(), load(`/funds?year=${y}`, `Dana RT tahun ${y}`)]);
    const picker = yearPicker(y, thisYear, (next) => {
      sec.body.setAttribute('aria-busy', 'true');
      fillFunds(sec, next);
    });
    // Summed per kelurahan here, from each RT's account.
    const byKel = new Map();
    for (const r of body.rts) {
      const k = byKel.get(r.kelurahan) ?? {
        code: r.kelurahan,
        rts: 0,
        allocated: 0,
        spent: 0,
        reversed: 0,
        balance: 0,
      };
      k.rts++;
      k.allocated += r.allocated;
      k.spent += r.spent;
      k.reversed += r.reversed;
      k.balance += r.balance;
      byKel.set(r.kelurahan, k);
    }
    const rows = [...byKel.values()].sort((a, b) => a.code.localeCompare(b.code));
    if (rows.length === 0) {
      sec.fill(picker, empty(`Belum ada dana RT yang dialokasikan untuk tahun ${y}.`));
      return;
    }
    // Realised: what has left the fund (allocated − balance), so a reversal is never counted as spending.
    const used = (k) => k.allocated - k.balance;
    const totals = rows.reduce(
      (t, k) => ({
        allocated: t.allocated + k.allocated,
        balance: t.balance + k.balance,
        rts: t.rts + k.rts,
      }),
      { allocated: 0, balance: 0, rts: 0 },
    );
    const names = rows.map((k) => kelName(reg, k.code));
    const headline = el(
      'div',
      { class: 'stats' },
      stat(`Alokasi ${y}`, fmtRupiah(totals.allocated), `${fmtNumber(totals.rts)} RT`),
      stat('Terpakai', fmtRupiah(totals.allocated - totals.balance)),
      stat('Realisasi', pctOrDash(share(totals.allocated - totals.balance, totals.allocated))),
      stat('Sisa', fmtRupiah(totals.balance)),
    );
    const fig = figure({
      id: 'dana-fig',
      caption: `Realisasi dana RT per kelurahan, ${y}`,
      summary: `Diagram batang: alokasi dan dana terpakai di ${rows.length} kelurahan tahun ${y}. Angkanya ada di tabel data.`,
      columns: ['Kelurahan', 'Kecamatan', 'RT', 'Alokasi', 'Terpakai', 'Sisa', 'Realisasi'],
      rows: rows.map((k, i) => [
        names[i],
        kecName(reg, k.code),
        k.rts,
        money(k.allocated),
        money(used(k)),
        money(k.balance),
        pctOrDash(share(used(k), k.allocated)),
      ]),
      csv: {
        filename: `dana-rt-${y}.csv`,
        header: [
          'kode',
          'kelurahan',
          'kecamatan',
          'rt',
          'alokasi',
          'belanja',
          'koreksi',
          'terpakai',
          'sisa',
          'realisasi_persen',
        ],
        rows: rows.map((k, i) => {
          const p = share(used(k), k.allocated);
          return [
            k.code,
            names[i],
            kecName(reg, k.code),
            k.rts,
            k.allocated,
            k.spent,
            k.reversed,
            used(k),
            k.balance,
            p == null ? '' : Math.round(p * 100) / 100,
          ];
        }),
      },
      draw: () => {
        const n = rows.length;
        return {
          opts: {
            height: 70 + n * 38,
            scales: {
              x: { time: false, ori: 1, dir: -1, range: [-0.5, n - 0.5] },
              y: { ori: 0, dir: 1, range: (_u, _min, max) => [0, max * 1.05 || 1] },
            },
            axes: [
              categoryAxis(names, { side: 3, size: labelRoom(names) }),
              { ...AXIS, side: 2, space: 90, values: (_u, splits) => splits.map(rupiahShort) },
            ],
            cursor: { drag: { x: false, y: false } },
            series: [
              { label: 'Kelurahan', value: (_u, i) => names[i] ?? '' },
              {
                label: 'Alokasi',
                fill: '#9db9dc',
                stroke: BLUE,
                paths: bars(-1, 0.4),
                points: { show: false },
                value: (_u, v) => (v == null ? '–' : fmtRupiah(v)),
              },
              {
                label: 'Terpakai',
                fill: GREEN,
                stroke: GREEN,
                paths: bars(1, 0.4),
                points: { show: false },
                value: (_u, v) => (v == null ? '–' : fmtRupiah(v)),
              },
            ],
          },
          data: [rows.map((_, i) => i), rows.map((k) => k.allocated), rows.map(used)],
        };
      },
    });
    sec.fill(
      picker,
      headline,
      fig,
      el(
        'p',
        { class: 'hint' },
        'Terpakai = alokasi − sisa: belanja setelah koreksi. Belanja dan koreksi tiap kelurahan ada di CSV.',
      ),
    );
  } catch (error) {
    sec.fail(error);
  }
}

function yearPicker(year, thisYear, onPick) {
  const select = el(
    'select',
    { id: 'dana-year' },
    ...[thisYear, thisYear - 1, thisYear - 2].map((y) => el('option', { value: String(y) }, String(y))),
  );
  select.value = String(year);
  select.addEventListener('change', () => onPick(Number(select.value)));
  return el(
    'div',
    { class: 'inline' },
    el('div', { class: 'f' }, el('label', { for: 'dana-year' }, 'Tahun'), select),
  );
}

// ---------- 112: response times per week

const WEEKS = 12;
const TIMES = [
  ['reportToDispatch', 'Laporan → unit dikirim', BLUE],
  ['dispatchToAck', 'Unit dikirim → diterima kru', ORANGE],
  ['ackToOnScene', 'Diterima kru → tiba di lokasi', GREEN],
];

const dayMonth = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' });
/** A week as a calendar writes it: "14–20 Sep 2026", "28 Sep – 4 Okt 2026", "28 Des 2026 – 3 Jan 2027". */
function weekLabel({ from, to }) {
  const d = (ymd) => new Date(`${ymd}T00:00:00Z`);
  if (from.slice(0, 4) !== to.slice(0, 4)) return `${fmtDay(from)} – ${fmtDay(to)}`;
  if (from.slice(0, 7) !== to.slice(0, 7)) return `${dayMonth.format(d(from))} – ${fmtDay(to)}`;
  return from === to ? fmtDay(to) : `${d(from).getUTCDate()}–${fmtDay(to)}`;
}

/** The last WEEKS weeks, Monday to Sunday (WIB), the current one up to today. */
function lastWeeks(today = todayWib()) {
  const dow = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  const monday = addDays(today, -dow);
  return Array.from({ length: WEEKS }, (_, i) => {
    const from = addDays(monday, (i - WEEKS + 1) * 7);
    const end = addDays(from, 6);
    return { from, to: end > today ? today : end };
  });
}

async function renderRespon(main) {
  chartCss();
  // The chart library comes while the figures are asked for.
  loadUPlot().catch(() => undefined);
  main.append(el('h1', {}, 'Waktu respons 112'));
  const sec = section(
    main,
    'respon',
    `Waktu respons per minggu, ${WEEKS} minggu terakhir`,
    'Median dan persentil ke-90 (9 dari 10 laporan lebih cepat dari ini), per minggu Senin–Minggu (WIB).',
  );
  try {
    const weeks = lastWeeks();
    const stats = await Promise.all(
      weeks.map((w) => load(`/incidents/stats?from=${w.from}&to=${w.to}`, `Statistik 112 ${fmtDay(w.from)}`)),
    );
    const total = stats.reduce((s, x) => s + x.total, 0);
    if (total === 0) {
      sec.fill(empty(`Belum ada laporan 112 dalam ${WEEKS} minggu terakhir.`));
      return;
    }
    const labels = weeks.map((w) => fmtDayShort(w.from));

    const last = stats[stats.length - 1];
    const headline = el(
      'div',
      { class: 'stats' },
      stat('Laporan minggu ini', fmtNumber(last.total)),
      stat(`Laporan ${WEEKS} minggu`, fmtNumber(total)),
      ...TIMES.map(([key, label]) =>
        stat(
          `${label} (median minggu ini)`,
          fmtSeconds(last[key].medianS),
          `p90 ${fmtSeconds(last[key].p90S)}`,
        ),
      ),
    );
    const columns = ['Minggu', 'Laporan', ...TIMES.map(([, label]) => `${label} (median / p90)`)];
    const header = ['minggu_mulai', 'minggu_akhir', 'laporan'];
    for (const [key] of TIMES) header.push(`${key}_median_detik`, `${key}_p90_detik`, `${key}_jumlah`);
    const series = [{ label: 'Minggu', value: (_u, i) => (i == null ? '' : weekLabel(weeks[i])) }];
    const data = [weeks.map((_, i) => i)];
    for (const [key, label, colour] of TIMES) {
      series.push(line(`${label}, median`, colour, undefined), line(`${label}, p90`, colour, [6, 4]));
      data.push(
        stats.map((s) => s[key].medianS),
        stats.map((s) => s[key].p90S),
      );
    }
    const fig = figure({
      id: 'respon-fig',
      caption: `Waktu respons 112 per minggu, ${fmtDay(weeks[0].from)} – ${fmtDay(weeks[WEEKS - 1].to)}`,
      summary: `Diagram garis: median dan persentil ke-90 waktu respons 112 tiap minggu selama ${WEEKS} minggu. Angkanya ada di tabel data.`,
      columns,
      rows: weeks.map((w, i) => {
        const s = stats[i];
        const row = [weekLabel(w), s.total];
        for (const [key] of TIMES) {
          row.push(s[key].count ? `${fmtSeconds(s[key].medianS)} / ${fmtSeconds(s[key].p90S)}` : '–');
        }
        return row;
      }),
      csv: {
        filename: `waktu-respons-112-${weeks[0].from}-${weeks[WEEKS - 1].to}.csv`,
        header,
        rows: weeks.map((w, i) => {
          const s = stats[i];
          const row = [w.from, w.to, s.total];
          for (const [key] of TIMES) row.push(s[key].medianS ?? '', s[key].p90S ?? '', s[key].count);
          return row;
        }),
      },
      draw: () => ({
        opts: {
          height: 340,
          scales: {
            x: { time: false, range: [-0.5, WEEKS - 0.5] },
            // At least a minute high: a few seconds never look like a long wait.
            y: { range: (_u, _min, max) => [0, Math.max(60, (max ?? 0) * 1.1)] },
          },
          axes: [
            categoryAxis(labels),
            { ...AXIS, size: 90, incrs: SECOND_INCRS, values: (_u, splits) => splits.map(fmtSeconds) },
          ],
          cursor: { drag: { x: false, y: false } },
          series,
        },
        data,
      }),
    });
    sec.fill(headline, fig);
  } catch (error) {
    sec.fail(error);
  }
}

function line(label, stroke, dash) {
  return {
    label,
    stroke,
    width: 2,
    ...(dash ? { dash } : {}),
    spanGaps: false,
    points: { show: true, size: 6, fill: stroke },
    value: (_u, v) => fmtSeconds(v),
  };
}

// ---------- Pengingat SMS

const FUNNEL = [
  ['due', 'Jatuh tempo'],
  ['queued', 'Diantrekan'],
  ['sent', 'Terkirim'],
  ['delivered', 'Diterima'],
  ['failed', 'Gagal'],
  ['optedOut', 'Berhenti berlangganan'],
];

async function renderPengingat(main) {
  chartCss();
  // The chart library comes while the figures are asked for.
  loadUPlot().catch(() => undefined);
  main.append(el('h1', {}, 'Pengingat SMS'));
  const thisMonth = todayWib().slice(0, 7);
  const picker = el('input', {
    type: 'month',
    id: 'sms-month',
    value: thisMonth,
    max: thisMonth,
    min: addMonths(thisMonth, -11),
  });
  const sec = section(main, 'sms', 'Alur dan biaya pengingat SMS', null);
  const show = () => {
    if (!/^\d{4}-\d{2}$/.test(picker.value) || picker.value > thisMonth) return;
    sec.body.setAttribute('aria-busy', 'true');
    fillReminders(sec, picker.value);
  };
  sec.node.insertBefore(
    el(
      'form',
      {
        class: 'inline',
        'aria-label': 'Pilih bulan',
        onsubmit: (e) => {
          e.preventDefault();
          show();
        },
      },
      el('div', { class: 'f' }, el('label', { for: 'sms-month' }, 'Bulan'), picker),
      el('button', { type: 'submit', class: 'secondary' }, 'Tampilkan'),
    ),
    sec.body,
  );
  await fillReminders(sec, thisMonth);
}

async function fillReminders(sec, m) {
  try {
    const today = todayWib();
    const thisMonth = today.slice(0, 7);
    const to = m === thisMonth ? today : lastDayOf(m);
    const s = await load(`/reminders/stats?from=${m}-01&to=${to}`, 'Statistik pengingat');
    const counts = {
      due: s.due,
      queued: s.queued,
      sent: s.sent,
      delivered: s.delivered,
      failed: s.failed,
      optedOut: (s.skipped?.optedOut ?? 0) + (s.held?.optedOut ?? 0),
    };
    if (Object.values(counts).every((v) => v === 0) && s.parts === 0) {
      sec.fill(empty(m === thisMonth ? 'Belum ada data bulan ini.' : `Belum ada data ${fmtMonth(m)}.`));
      return;
    }
    const spend = spendBlock(s, m);
    const labels = FUNNEL.map(([, label]) => label);
    const fig = figure({
      id: 'sms-fig',
      caption: `Alur pengingat SMS, ${fmtMonth(m)}`,
      summary: `Diagram batang: dari ${fmtNumber(counts.due)} pengingat jatuh tempo, ${fmtNumber(counts.sent)} terkirim dan ${fmtNumber(counts.delivered)} diterima. Angkanya ada di tabel data.`,
      columns: ['Tahap', 'Jumlah', 'Dari jatuh tempo'],
      rows: FUNNEL.map(([key, label]) => [label, counts[key], pctOrDash(share(counts[key], counts.due))]),
      csv: {
        filename: `pengingat-sms-${m}.csv`,
        header: ['tahap', 'jumlah'],
        rows: FUNNEL.map(([key, label]) => [label, counts[key]]),
      },
      draw: () => ({
        opts: {
          height: 300,
          scales: {
            x: { time: false, range: [-0.5, FUNNEL.length - 0.5] },
            y: { range: (_u, _min, max) => [0, (max || 1) * 1.1] },
          },
          axes: [
            categoryAxis(labels),
            {
              ...AXIS,
              size: 60,
              incrs: COUNT_INCRS,
              values: (_u, splits) => splits.map((v) => fmtNumber(v)),
            },
          ],
          cursor: { drag: { x: false, y: false } },
          series: [
            { label: 'Tahap', value: (_u, i) => (i == null ? '' : labels[i]) },
            {
              label: 'Jumlah',
              fill: BLUE,
              stroke: BLUE,
              paths: bars(0, 0.6),
              points: { show: false },
              value: (_u, v) => (v == null ? '–' : fmtNumber(v)),
            },
          ],
        },
        data: [FUNNEL.map((_, i) => i), FUNNEL.map(([key]) => counts[key])],
      }),
    });
    const k = s.skipped;
    const skipped = el(
      'p',
      { class: 'note' },
      `Dilewati penjadwal: tanpa nomor HP ${fmtNumber(k.noPhone)}, tanpa persetujuan ${fmtNumber(k.noConsent)}, ` +
        `berhenti berlangganan ${fmtNumber(k.optedOut)}, sudah diperiksa tahun ini ${fmtNumber(k.alreadyChecked)}, ` +
        `ganda ${fmtNumber(k.duplicate)}. Ditahan saat dikirim: berhenti berlangganan ${fmtNumber(s.held.optedOut)}, ` +
        `anggaran habis ${fmtNumber(s.held.overBudget)}.`,
    );
    sec.fill(spend, fig, skipped);
  } catch (error) {
    sec.fail(error);
  }
}

/**
 * The month's SMS spend against its budget. GET /reminders/stats answers the spend; the budget
 * (SMS_MONTHLY_BUDGET_USD) only when the API gives it as `budgetUsd`.
 */
function spendBlock(s, m) {
  const budget = typeof s.budgetUsd === 'number' ? s.budgetUsd : null;
  const used = budget ? share(s.estimatedCostUsd, budget) : null;
  const kids = [
    stat(`Biaya SMS ${fmtMonth(m)}`, fmtUsd(s.estimatedCostUsd), `${fmtNumber(s.parts)} bagian SMS`),
    budget != null
      ? stat('Anggaran bulanan', fmtUsd(budget), `${pctOrDash(used)} terpakai`)
      : stat('Anggaran bulanan', 'tidak tersedia', 'API belum memberikan anggaran SMS bulanan'),
  ];
  const block = el('div', { class: 'stats' }, ...kids);
  if (budget != null) {
    const meter = el('meter', {
      id: 'sms-budget',
      min: '0',
      max: String(budget),
      low: String(budget * 0.8),
      high: String(budget * 0.95),
      optimum: '0',
      value: String(Math.min(s.estimatedCostUsd, budget)),
    });
    return el(
      'div',
      {},
      block,
      el(
        'p',
        {},
        el('label', { for: 'sms-budget' }, 'Biaya terhadap anggaran '),
        meter,
        ` ${pctOrDash(used)}`,
      ),
    );
  }
  return block;
}
