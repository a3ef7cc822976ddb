// The public fund pages (GET /dana/…): server-rendered HTML in Bahasa Indonesia for a phone, no script, charts as
// inline SVG with a table beside each. Pure functions of what the handlers read: the region data, the RT directory
// (codes only) and the public view of each account and entry (views.ts) — so who recorded an entry never reaches
// here, and a NIK or phone written into a description arrives already masked. Every text is escaped.
import type { CityRegions, Region } from '#shared/city/regions.ts';
import { escapeHtml as e } from '#shared/platform/html.ts';
import { BULAN, BULAN_SINGKAT } from '#shared/platform/wib.ts';
import { maskPersonalNumbers } from './mask.ts';
import { CATEGORIES, type Category } from './schemas.ts';
import type { publicAccount, publicEntry } from './views.ts';

export type PublicAccount = ReturnType<typeof publicAccount>;
export type PublicEntry = ReturnType<typeof publicEntry>;

/** Entries per page of an RT's ledger: a year of a busy RT stays well under the 60 KB first load. */
export const ENTRIES_PER_PAGE = 100;
/** RTs a search lists at most; a wider one asks to be narrowed. */
export const SEARCH_LIMIT = 100;

/** The words the RT form uses for the categories (functions/web/rt/fund.js). */
export const CATEGORY_LABEL: Record<Category, string> = {
  SANITATION: 'Sanitasi',
  CLEAN_WATER: 'Air bersih',
  WASTE: 'Sampah',
  HEALTH_CHECK: 'Cek kesehatan gratis',
  NUTRITION: 'Gizi',
  OPERATIONS: 'Operasional',
  OTHER: 'Lainnya',
};

// ---------------------------------------------------------------------------------------------------------------
// Numbers and dates, the Indonesian way.

/** 45500000 → "45.500.000" (whole rupiah; dots between thousands). */
export function ribuan(n: number): string {
  return String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** 45500000 → "Rp 45.500.000"; a negative amount "−Rp 1.000". */
export function rupiah(n: number): string {
  return `${n < 0 ? '−' : ''}Rp ${ribuan(n)}`;
}

/** A share as Indonesians write it: "54,5%", "100%", "0%". */
export function persen(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = Math.round((part / whole) * 1000) / 10;
  return `${String(p).replace('.', ',')}%`;
}

/** A WIB day "2026-03-12" → "12 Mar", with the year when it is not the page's ("20 Des 2025"). */
export function tanggal(ymd: string, year?: number): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return `${d} ${BULAN_SINGKAT[m - 1] ?? ''}${y === year ? '' : ` ${y}`}`;
}

/** An instant, in WIB: "12 Mar 2026 14.05 WIB". */
export function waktuWib(iso: string): string {
  const t = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${tanggal(t.slice(0, 10))} ${t.slice(11, 13)}.${t.slice(14, 16)} WIB`;
}

// ---------------------------------------------------------------------------------------------------------------
// The figures of an account, net of corrections.

export interface Figures {
  /** Allocated, less allocations reversed. */
  allocated: number;
  /** Spent, less expenses reversed. */
  spent: number;
  balance: number;
}

export function figures(a: PublicAccount): Figures {
  return {
    allocated: a.allocated - a.reversedAllocations,
    spent: a.spent - a.reversedExpenses,
    balance: a.balance,
  };
}

const add = (t: Figures, f: Figures) => {
  t.allocated += f.allocated;
  t.spent += f.spent;
  t.balance += f.balance;
};
const zero = (): Figures => ({ allocated: 0, spent: 0, balance: 0 });

// ---------------------------------------------------------------------------------------------------------------
// The page around every page.

export interface Chrome {
  /** The stylesheet's path (hashed: /dana/gaya.<hash>.css). */
  css: string;
  /** The city's name, from the region data. */
  city: string;
}

function layout(chrome: Chrome, title: string, main: string): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><link rel="stylesheet" href="${e(chrome.css)}"></head>
<body><header class="top"><a href="/dana/">Dana Kampung Bahagia</a> <span>${e(chrome.city)}</span></header>
<main>
${main}
</main>
<footer><p>Data dari buku kas dana Kampung Bahagia setiap RT. Entri tidak pernah diubah atau dihapus: kesalahan
dikoreksi dengan entri pembatalan, dan keduanya tetap tampil. Nama pencatat, NIK dan nomor HP tidak ditampilkan.</p></footer>
</body></html>
`;
}

/** A year's link: the current year needs no parameter. */
const yearQuery = (year: number, current: number) => (year === current ? '' : `tahun=${year}`);
const indexHref = (params: string[]) => {
  const q = params.filter(Boolean).join('&');
  return `/dana/${q ? `?${q}` : ''}`;
};
export const rtHref = (rt: string, year: number, page = 1) =>
  `/dana/${rt}/${year}${page > 1 ? `/${page}` : ''}`;
const kelHref = (kel: string, year: number, current: number) =>
  `${indexHref([`kel=${kel}`, yearQuery(year, current)])}#kel-${kel}`;

/** "RT 012 / RW 003" */
export function rtLabel(rt: string): string {
  const m = /-(\d{3})-(\d{3})$/.exec(rt);
  return m ? `RT ${m[2]} / RW ${m[1]}` : rt;
}

/** A small bar of spent against allocated: decoration beside the numbers it repeats. */
function spentBar(f: Figures): string {
  const w = f.allocated > 0 ? Math.min(100, (f.spent / f.allocated) * 100) : 0;
  return `<svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="100" height="6" fill="#d5dcd9"/><rect width="${w.toFixed(1)}" height="6" fill="#0b6e4f"/></svg>`;
}

function numbers(f: Figures): string {
  return `<dl class="nums"><div><dt>Alokasi</dt><dd>${rupiah(f.allocated)}</dd></div><div><dt>Terpakai</dt><dd>${rupiah(
    f.spent,
  )} <small>(${persen(f.spent, f.allocated)})</small></dd></div><div><dt>Sisa</dt><dd>${rupiah(f.balance)}</dd></div></dl>`;
}

// ---------------------------------------------------------------------------------------------------------------
// GET /dana/: the city's RTs by kecamatan and kelurahan.

export interface DirectoryEntry {
  rt: string;
  active: boolean;
}

export interface IndexInput {
  chrome: Chrome;
  regions: CityRegions;
  directory: DirectoryEntry[];
  /** Every account of the year in the city (the public view). */
  accounts: PublicAccount[];
  year: number;
  /** The current WIB year: the default. */
  currentYear: number;
  /** The years the form offers. */
  years: number[];
  /** A kelurahan opened into its RTs. */
  kel?: string;
  /** A search, as typed. */
  q?: string;
}

interface RtRow {
  rt: string;
  kelurahan: string;
  active: boolean;
  figures?: Figures;
}

interface KelSummary {
  region: Region;
  kecamatan: Region;
  rts: RtRow[];
  allocatedRts: number;
  totals: Figures;
}

/** Every kelurahan of the city with its RTs (the directory's, and any with an account), summed. */
function summarize(input: IndexInput): { kecamatan: { region: Region; kelurahan: KelSummary[] }[] } {
  const byRt = new Map<string, RtRow>();
  for (const d of input.directory)
    byRt.set(d.rt, { rt: d.rt, kelurahan: d.rt.slice(0, 10), active: d.active });
  for (const a of input.accounts) {
    const row = byRt.get(a.rt) ?? { rt: a.rt, kelurahan: a.rt.slice(0, 10), active: true };
    row.figures = figures(a);
    byRt.set(a.rt, row);
  }
  const byKel = new Map<string, RtRow[]>();
  for (const row of [...byRt.values()].sort((x, y) => x.rt.localeCompare(y.rt))) {
    // A closed RT is listed only for a year it has an account in.
    if (!row.active && !row.figures) continue;
    const list = byKel.get(row.kelurahan) ?? [];
    list.push(row);
    byKel.set(row.kelurahan, list);
  }
  return {
    kecamatan: input.regions.kecamatan.map((kec) => ({
      region: { code: kec.code, name: kec.name },
      kelurahan: kec.kelurahan.map((kel) => {
        const rts = byKel.get(kel.code.replaceAll('.', '')) ?? [];
        const totals = zero();
        for (const r of rts) if (r.figures) add(totals, r.figures);
        return {
          region: kel,
          kecamatan: { code: kec.code, name: kec.name },
          rts,
          allocatedRts: rts.filter((r) => r.figures).length,
          totals,
        };
      }),
    })),
  };
}

function rtTable(rows: RtRow[], year: number, caption: string, withKelurahan?: Map<string, string>): string {
  const body = rows
    .map((r) => {
      const where = withKelurahan ? `<br><small>Kel. ${e(withKelurahan.get(r.kelurahan) ?? '')}</small>` : '';
      const closed = r.active ? '' : ' <small>(ditutup)</small>';
      // Breaks only around the slash on a narrow screen: "RT 012 /" over "RW 003".
      const label = e(rtLabel(r.rt)).replace(/(R[TW]|\d) (?!R)/g, '$1\u00a0');
      const head = `<th scope="row"><a href="${e(rtHref(r.rt, year))}">${label}</a>${closed}${where}</th>`;
      if (!r.figures) return `<tr>${head}<td colspan="3" class="none">belum ada alokasi</td></tr>`;
      const f = r.figures;
      return `<tr>${head}<td class="n">${ribuan(f.allocated)}</td><td class="n">${ribuan(f.spent)}</td><td class="n">${ribuan(f.balance)}</td></tr>`;
    })
    .join('\n');
  return `<table class="rts"><caption>${e(caption)}</caption>
<thead><tr><th scope="col">RT</th><th scope="col" class="n">Alokasi</th><th scope="col" class="n">Terpakai</th><th scope="col" class="n">Sisa</th></tr></thead>
<tbody>
${body}
</tbody></table>`;
}

function kelCard(k: KelSummary, input: IndexInput, open: boolean, level = 3): string {
  const { year, currentYear } = input;
  const count = k.rts.length
    ? `${ribuan(k.rts.length)} RT · ${ribuan(k.allocatedRts)} sudah mendapat alokasi`
    : 'Belum ada RT di direktori kota';
  const toggle = open
    ? `<p><a href="${e(`${indexHref([yearQuery(year, currentYear)])}#kel-${k.region.code}`)}">Tutup daftar RT</a></p>`
    : '';
  const list = open
    ? k.rts.length
      ? rtTable(k.rts, year, `RT di Kelurahan ${k.region.name}, tahun ${year} (rupiah)`)
      : ''
    : '';
  const title = k.rts.length
    ? `<a href="${e(kelHref(k.region.code, year, currentYear))}"${open ? ' aria-current="true"' : ''}>${e(k.region.name)}</a>`
    : e(k.region.name);
  return `<li class="card" id="kel-${e(k.region.code)}"><h${level}>${title}</h${level}>
<p class="sub">${count}</p>
${numbers(k.totals)}${spentBar(k.totals)}${toggle}${list}</li>`;
}

function searchForm(input: IndexInput): string {
  const years = input.years
    .map((y) => `<option value="${y}"${y === input.year ? ' selected' : ''}>${y}</option>`)
    .join('');
  return `<form class="cari" method="get" action="/dana/" role="search">
<label for="q">Cari RT atau kelurahan</label>
<input id="q" name="q" type="search" value="${e(maskPersonalNumbers(input.q ?? ''))}" maxlength="100" placeholder="mis. Aur Kenali RT 3" autocomplete="off">
<div class="row"><label for="tahun">Tahun</label><select id="tahun" name="tahun">${years}</select>
<button type="submit">Cari</button></div>
</form>`;
}

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

export interface SearchQuery {
  /** An RT code written whole. */
  rt?: string;
  /** A kelurahan code, with or without its dots (digits only here). */
  kelurahan?: string;
  rtNumber?: number;
  rwNumber?: number;
  /** Words to find in a kelurahan's or kecamatan's name (folded: lower case, no marks). */
  text: string;
}

/**
 * What a citizen types: "Aur Kenali RT 3", "rt 03 rw 1", "3/1" (RT/RW), "1571011012-003-012", "kenali".
 */
export function parseSearch(q: string): SearchQuery {
  let s = q.normalize('NFKC').toLowerCase().slice(0, 100);
  const out: SearchQuery = { text: '' };
  const code = /\b(\d{10}-\d{3}-\d{3})\b/.exec(s);
  if (code) {
    out.rt = code[1];
    s = s.replace(code[0], ' ');
  }
  const kel = /\b(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})\b/.exec(s);
  if (kel && !out.rt) {
    out.kelurahan = kel.slice(1, 5).join('');
    s = s.replace(kel[0], ' ');
  }
  const rt = /\brt\.?\s*0*(\d{1,3})\b/.exec(s);
  if (rt) {
    out.rtNumber = Number(rt[1]);
    s = s.replace(rt[0], ' ');
  }
  const rw = /\brw\.?\s*0*(\d{1,3})\b/.exec(s);
  if (rw) {
    out.rwNumber = Number(rw[1]);
    s = s.replace(rw[0], ' ');
  }
  const pair = /\b0*(\d{1,3})\s*\/\s*0*(\d{1,3})\b/.exec(s);
  if (pair && out.rtNumber === undefined && out.rwNumber === undefined) {
    out.rtNumber = Number(pair[1]);
    out.rwNumber = Number(pair[2]);
    s = s.replace(pair[0], ' ');
  }
  const bare = /(?:^|\s)0*(\d{1,3})(?=\s|$)/.exec(s);
  if (bare && out.rtNumber === undefined) {
    out.rtNumber = Number(bare[1]);
    s = s.replace(bare[0], ' ');
  }
  // "Kelurahan"/"Kecamatan" and their short forms say where to look, not what.
  out.text = fold(s)
    .split(' ')
    .filter((w) => w && !['kel', 'kelurahan', 'kec', 'kecamatan', 'desa', 'rt', 'rw'].includes(w))
    .join(' ');
  return out;
}

function search(
  query: SearchQuery,
  kelurahan: KelSummary[],
  all: RtRow[],
): { kelurahan: KelSummary[]; rts: RtRow[] } {
  const digits = (k: KelSummary) => k.region.code.replaceAll('.', '');
  const kels = query.kelurahan
    ? kelurahan.filter((k) => digits(k) === query.kelurahan)
    : query.text
      ? kelurahan.filter(
          (k) => fold(k.region.name).includes(query.text) || fold(k.kecamatan.name).includes(query.text),
        )
      : [];
  const numbered = query.rtNumber !== undefined || query.rwNumber !== undefined;
  const scope =
    query.text || query.kelurahan ? all.filter((r) => kels.some((k) => digits(k) === r.kelurahan)) : all;
  const rts = query.rt
    ? all.filter((r) => r.rt === query.rt)
    : numbered
      ? scope.filter(
          (r) =>
            (query.rtNumber === undefined || Number(r.rt.slice(-3)) === query.rtNumber) &&
            (query.rwNumber === undefined || Number(r.rt.slice(11, 14)) === query.rwNumber),
        )
      : kels.length === 1
        ? kels[0]!.rts
        : [];
  return { kelurahan: query.rt || numbered ? [] : kels, rts };
}

export function renderIndexPage(input: IndexInput): string {
  const { year, currentYear, chrome } = input;
  const { kecamatan } = summarize(input);
  const kelurahan = kecamatan.flatMap((k) => k.kelurahan);
  const totals = zero();
  for (const k of kelurahan) add(totals, k.totals);
  const rtCount = kelurahan.reduce((n, k) => n + k.rts.length, 0);
  const allocated = kelurahan.reduce((n, k) => n + k.allocatedRts, 0);
  const head = `<h1>Dana Kampung Bahagia ${year}</h1>
<p class="sub">Dana setiap RT di ${e(chrome.city)} untuk sanitasi, air bersih, sampah, cek kesehatan dan lainnya:
berapa yang dialokasikan, terpakai dan tersisa.</p>
${searchForm(input)}`;
  const q = input.q?.trim();
  if (q) {
    // Shown back masked: whoever typed a NIK or a phone number into the box does not see it printed on a page.
    const typed = maskPersonalNumbers(q);
    const found = search(
      parseSearch(q),
      kelurahan,
      kelurahan.flatMap((k) => k.rts),
    );
    const names = new Map(kelurahan.map((k) => [k.region.code.replaceAll('.', ''), k.region.name]));
    const shown = found.rts.slice(0, SEARCH_LIMIT);
    const parts = [`<h2 id="hasil">Hasil pencarian “${e(typed)}”</h2>`];
    if (found.kelurahan.length) {
      parts.push(
        `<h3>Kelurahan</h3><ul class="kels">${found.kelurahan.map((k) => kelCard(k, input, false, 4)).join('\n')}</ul>`,
      );
    }
    if (shown.length) {
      parts.push(
        `<h3>RT</h3>${rtTable(shown, year, `RT yang cocok, tahun ${year} (rupiah)`, names)}`,
        found.rts.length > shown.length
          ? `<p>${ribuan(found.rts.length - shown.length)} RT lagi cocok: persempit pencarian, mis. dengan nama kelurahan.</p>`
          : '',
      );
    }
    if (!found.kelurahan.length && !shown.length) {
      parts.push(
        '<p>Tidak ada RT atau kelurahan yang cocok. Contoh pencarian: “Aur Kenali”, “RT 3 RW 1”, atau kode RT seperti 1571011012-003-012.</p>',
      );
    }
    parts.push(`<p><a href="${e(indexHref([yearQuery(year, currentYear)]))}">Lihat semua kelurahan</a></p>`);
    return layout(
      chrome,
      `Cari “${typed}” · Dana Kampung Bahagia ${year} · ${chrome.city}`,
      `${head}\n${parts.join('\n')}`,
    );
  }
  const city = `<section class="card" aria-labelledby="kota"><h2 id="kota">${e(chrome.city)}</h2>
<p class="sub">${ribuan(rtCount)} RT · ${ribuan(allocated)} sudah mendapat alokasi tahun ${year}</p>
${numbers(totals)}${spentBar(totals)}</section>`;
  const list = kecamatan
    .map((kec) => {
      const t = zero();
      for (const k of kec.kelurahan) add(t, k.totals);
      const cards = kec.kelurahan.map((k) => kelCard(k, input, k.region.code === input.kel)).join('\n');
      return `<section aria-labelledby="kec-${kec.region.code}"><h2 id="kec-${kec.region.code}">Kecamatan ${e(kec.region.name)}</h2>
${numbers(t)}
<ul class="kels">
${cards}
</ul></section>`;
    })
    .join('\n');
  return layout(chrome, `Dana Kampung Bahagia ${year} · ${chrome.city}`, `${head}\n${city}\n${list}`);
}

// ---------------------------------------------------------------------------------------------------------------
// GET /dana/{rt}/{year}: one RT's year.

export interface FundPageInput {
  chrome: Chrome;
  rt: string;
  kelurahan: Region;
  kecamatan: Region;
  /** Whether the city has closed the RT. */
  active: boolean;
  year: number;
  currentYear: number;
  /** The years a reader may step to (the range the pages answer). */
  firstYear: number;
  lastYear: number;
  account: PublicAccount;
  /** Every entry of the year (the public view), in any order. */
  entries: PublicEntry[];
  page: number;
}

export const pageCount = (entries: number) => Math.max(1, Math.ceil(entries / ENTRIES_PER_PAGE));

/** Net spending per month (by the expense's date), a reversed expense taken back from its own month. */
export function spendingByMonth(entries: PublicEntry[], year: number): number[] {
  const months = Array.from({ length: 12 }, () => 0);
  const byId = new Map(entries.map((x) => [x.entryId, x]));
  const monthOf = (x: PublicEntry) => (x.date.startsWith(`${year}-`) ? Number(x.date.slice(5, 7)) - 1 : -1);
  for (const x of entries) {
    if (x.kind === 'EXPENSE') {
      const m = monthOf(x);
      if (m >= 0) months[m]! += x.amount;
    } else if (x.kind === 'REVERSAL' && x.reverses) {
      const original = byId.get(x.reverses);
      if (original?.kind !== 'EXPENSE') continue;
      const m = monthOf(original);
      if (m >= 0) months[m]! -= x.amount;
    }
  }
  return months;
}

/** The category chart: each category's spending against the whole allocation (allocations are per RT and year). */
function categoryChart(a: PublicAccount, f: Figures, year: number): string {
  const rows: { label: string; amount: number; total?: boolean }[] = [
    { label: 'Semua kategori', amount: f.spent, total: true },
    ...CATEGORIES.map((c) => ({ label: CATEGORY_LABEL[c], amount: a.byCategory[c] ?? 0 })),
  ];
  const W = 320;
  const H = 36;
  const base = f.allocated > 0 ? f.allocated : Math.max(1, f.spent);
  const bars = rows
    .map((r, i) => {
      const y = i * H;
      const w = Math.max(0, Math.min(W, (r.amount / base) * W));
      return `<text x="0" y="${y + 13}" font-size="12"${r.total ? ' font-weight="700"' : ''} fill="#1b1f23">${e(r.label)}: ${persen(r.amount, f.allocated)}</text><rect x="0" y="${y + 18}" width="${W}" height="12" fill="#d5dcd9"/><rect x="0" y="${y + 18}" width="${w.toFixed(1)}" height="12" fill="${r.total ? '#0b6e4f' : '#2f7d96'}"/>`;
    })
    .join('');
  const table = rows
    .map(
      (r) =>
        `<tr${r.total ? ' class="total"' : ''}><th scope="row">${e(r.label)}</th><td class="n">${ribuan(r.amount)}</td><td class="n">${persen(r.amount, f.allocated)}</td></tr>`,
    )
    .join('\n');
  return `<figure id="kategori">
<figcaption>Realisasi per kategori terhadap alokasi ${rupiah(f.allocated)} tahun ${year}. Alokasi diberikan untuk
seluruh dana RT, tidak per kategori: setiap batang menunjukkan bagian alokasi yang terpakai untuk kategori itu.</figcaption>
<svg class="chart" viewBox="0 0 ${W} ${rows.length * H}" aria-hidden="true" focusable="false">${bars}</svg>
<table><thead><tr><th scope="col">Kategori</th><th scope="col" class="n">Realisasi (Rp)</th><th scope="col" class="n">dari alokasi</th></tr></thead>
<tbody>
${table}
</tbody></table>
</figure>`;
}

function monthChart(months: number[], year: number): string {
  const W = 320;
  const top = 8;
  const plot = 120;
  const slot = W / 12;
  const max = Math.max(...months, 0);
  const bars = months
    .map((v, i) => {
      const h = max > 0 ? Math.max(0, (v / max) * plot) : 0;
      const x = i * slot + 3;
      return `<rect x="${x.toFixed(1)}" y="${(top + plot - h).toFixed(1)}" width="${(slot - 6).toFixed(1)}" height="${h.toFixed(1)}" fill="#2f7d96"/><text x="${(x + (slot - 6) / 2).toFixed(1)}" y="${top + plot + 16}" font-size="11" text-anchor="middle" fill="#1b1f23">${BULAN_SINGKAT[i]}</text>`;
    })
    .join('');
  const highest = months.indexOf(max);
  const rows = months
    .map((v, i) => `<tr><th scope="row">${BULAN[i]}</th><td class="n">${ribuan(v)}</td></tr>`)
    .join('\n');
  const total = months.reduce((s, v) => s + v, 0);
  return `<figure id="bulan">
<figcaption>Pengeluaran per bulan tahun ${year}, menurut tanggal belanja; pengeluaran yang dibatalkan tidak
dihitung.${max > 0 ? ` Tertinggi: ${BULAN[highest]}, ${rupiah(max)}.` : ' Belum ada pengeluaran.'}</figcaption>
<svg class="chart" viewBox="0 0 ${W} ${top + plot + 22}" aria-hidden="true" focusable="false"><line x1="0" y1="${top + plot}" x2="${W}" y2="${top + plot}" stroke="#6b7680" stroke-width="1"/>${bars}</svg>
<table><thead><tr><th scope="col">Bulan</th><th scope="col" class="n">Pengeluaran (Rp)</th></tr></thead>
<tbody>
${rows}
<tr class="total"><th scope="row">Setahun</th><td class="n">${ribuan(total)}</td></tr>
</tbody></table>
</figure>`;
}

const KIND_LABEL = (x: PublicEntry, original: PublicEntry | undefined): string => {
  if (x.kind === 'ALLOCATION') return 'Alokasi dari kota';
  if (x.kind === 'EXPENSE') return `Pengeluaran · ${x.category ? CATEGORY_LABEL[x.category] : 'Lainnya'}`;
  return original?.kind === 'ALLOCATION' || x.direction === 'DEBIT'
    ? 'Pembatalan alokasi'
    : 'Pembatalan pengeluaran';
};

/** Shortened for a reference to another entry: the entry itself carries the whole text. */
const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function entriesTable(input: FundPageInput, sorted: PublicEntry[]): string {
  const { year, rt, page } = input;
  const byId = new Map(sorted.map((x) => [x.entryId, x]));
  const at = new Map(sorted.map((x, i) => [x.entryId, Math.floor(i / ENTRIES_PER_PAGE) + 1]));
  const reversedBy = new Map(sorted.filter((x) => x.reverses).map((x) => [x.reverses!, x]));
  const link = (x: PublicEntry, text: string) => {
    const p = at.get(x.entryId) ?? 1;
    return `<a href="${e(`${p === page ? '' : rtHref(rt, year, p)}#e-${x.entryId}`)}">${text}</a>`;
  };
  const shown = sorted.slice((page - 1) * ENTRIES_PER_PAGE, page * ENTRIES_PER_PAGE);
  const rows = shown
    .map((x) => {
      const original = x.reverses ? byId.get(x.reverses) : undefined;
      const reversal = reversedBy.get(x.entryId);
      const lines = [
        `<span class="kind">${e(KIND_LABEL(x, original))}</span>${
          x.kind === 'REVERSAL'
            ? ' <span class="tag rev">Pembatalan</span>'
            : reversal
              ? ' <span class="tag off">Dibatalkan</span>'
              : ''
        }`,
        `<span class="desc">${x.kind === 'REVERSAL' ? 'Alasan: ' : ''}${e(x.description)}</span>`,
      ];
      const meta: string[] = [];
      if (x.vendor) meta.push(`Penerima: ${e(x.vendor)}`);
      if (x.kind === 'EXPENSE')
        meta.push(x.receipt ? '<span class="ok">✓ Ada foto kuitansi</span>' : 'Belum ada foto kuitansi');
      if (meta.length) lines.push(`<span class="meta">${meta.join(' · ')}</span>`);
      if (reversal) {
        lines.push(
          `<span class="meta">Dibatalkan ${tanggal(reversal.date, year)}: ${link(reversal, 'lihat entri pembatalan')}</span>`,
        );
      }
      if (x.kind === 'REVERSAL') {
        lines.push(
          original
            ? `<span class="meta">Membatalkan entri ${tanggal(original.date, year)} “${e(clip(original.description))}”, ${rupiah(original.amount)}: ${link(original, 'lihat entri yang dibatalkan')}</span>`
            : '<span class="meta">Membatalkan entri yang tidak lagi tercatat</span>',
        );
      }
      const sign = x.direction === 'CREDIT' ? '+' : '−';
      const amount = `${sign}${ribuan(x.amount)}`;
      return `<tr id="e-${e(x.entryId)}"${reversal ? ' class="off"' : x.kind === 'REVERSAL' ? ' class="rev"' : ''}><td><time datetime="${e(x.date)}">${tanggal(x.date, year)}</time></td><td>${lines.join('<br>')}</td><td class="n">${reversal ? `<s>${amount}</s>` : amount}</td></tr>`;
    })
    .join('\n');
  return `<table class="entries"><caption>Entri ${ribuan((page - 1) * ENTRIES_PER_PAGE + 1)}–${ribuan(
    (page - 1) * ENTRIES_PER_PAGE + shown.length,
  )} dari ${ribuan(sorted.length)}, terbaru dulu (rupiah: + masuk, − keluar)</caption>
<thead><tr><th scope="col">Tanggal</th><th scope="col">Uraian</th><th scope="col" class="n">Jumlah</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

function pager(input: FundPageInput, pages: number): string {
  if (pages <= 1) return '';
  const { rt, year, page } = input;
  const prev =
    page > 1 ? `<a href="${rtHref(rt, year, page - 1)}#entri" rel="prev">‹ Lebih baru</a>` : '<span></span>';
  const next =
    page < pages
      ? `<a href="${rtHref(rt, year, page + 1)}#entri" rel="next">Lebih lama ›</a>`
      : '<span></span>';
  return `<nav class="pages" aria-label="Halaman entri">${prev}<span>Halaman ${page} dari ${pages}</span>${next}</nav>`;
}

export function renderFundPage(input: FundPageInput): string {
  const { chrome, rt, year, account: a, kelurahan, kecamatan } = input;
  const f = figures(a);
  const label = rtLabel(rt);
  const sorted = [...input.entries].sort((x, y) =>
    x.date === y.date ? y.entryId.localeCompare(x.entryId) : y.date.localeCompare(x.date),
  );
  const pages = pageCount(sorted.length);
  const kelLink = `${indexHref([`kel=${kelurahan.code}`, yearQuery(year, input.currentYear)])}#kel-${kelurahan.code}`;
  const years = [year - 1, year + 1]
    .filter((y) => y >= input.firstYear && y <= input.lastYear)
    .map((y) => `<a href="${rtHref(rt, y)}">${y}</a>`)
    .join(' · ');
  const head = `<nav class="crumbs" aria-label="Lokasi"><a href="/dana/${year === input.currentYear ? '' : `?tahun=${year}`}">Semua kelurahan</a> › <a href="${e(kelLink)}">Kel. ${e(kelurahan.name)}</a></nav>
<h1>Dana ${label}, Kelurahan ${e(kelurahan.name)}, tahun ${year}</h1>
<p class="sub">Kecamatan ${e(kecamatan.name)}, ${e(chrome.city)} · kode RT ${rt}${input.active ? '' : ' · RT ini sudah ditutup'}${years ? ` · Tahun lain: ${years}` : ''}</p>`;
  if (a.entryCount === 0) {
    return layout(
      chrome,
      `Dana ${label} ${kelurahan.name} ${year} · ${chrome.city}`,
      `${head}
<section class="card saldo"><p>Belum ada alokasi untuk RT ini pada tahun ${year}.</p>
<p class="sub">Alokasi dana Kampung Bahagia (Rp 50–100 juta per RT setahun) dicatat di sini begitu kota mengirimnya.</p></section>`,
    );
  }
  const corrections =
    a.reversedAllocations || a.reversedExpenses
      ? `<p class="meta">Sudah termasuk koreksi: ${[
          a.reversedAllocations ? `alokasi dibatalkan ${rupiah(a.reversedAllocations)}` : '',
          a.reversedExpenses ? `pengeluaran dibatalkan ${rupiah(a.reversedExpenses)}` : '',
        ]
          .filter(Boolean)
          .join(', ')}.</p>`
      : '';
  const summary = `<section class="card saldo" aria-labelledby="saldo"><h2 id="saldo">Sisa saldo</h2>
<p class="big">${rupiah(f.balance)}</p>
${numbers(f)}${spentBar(f)}${corrections}
<p class="meta">${ribuan(a.entryCount)} entri${a.updatedAt ? ` · diperbarui ${waktuWib(a.updatedAt)}` : ''}</p></section>`;
  const body = `${head}
${summary}
<h2>Anggaran dan realisasi per kategori</h2>
${categoryChart(a, f, year)}
<h2>Pengeluaran per bulan</h2>
${monthChart(spendingByMonth(input.entries, year), year)}
<h2 id="entri">Buku kas: semua entri</h2>
<p>Setiap alokasi, pengeluaran dan pembatalan, dengan tanda foto kuitansi. <a href="/funds/${rt}/${year}/export.csv" download>Unduh semua entri (CSV)</a></p>
${entriesTable(input, sorted)}
${pager(input, pages)}`;
  const title = `Dana ${label} ${kelurahan.name} ${year}${input.page > 1 ? ` (halaman ${input.page})` : ''} · ${chrome.city}`;
  return layout(chrome, title, body);
}

// ---------------------------------------------------------------------------------------------------------------
// When there is no page to show.

export interface ProblemPage {
  title: string;
  message: string;
}

export function renderProblemPage(chrome: Chrome, p: ProblemPage): string {
  return layout(
    chrome,
    `${p.title} · Dana Kampung Bahagia · ${chrome.city}`,
    `<h1>${e(p.title)}</h1>
<p>${e(p.message)}</p>
<p>Alamat halaman dana satu RT seperti <code>/dana/1571011012-003-012/2026</code>: kode RT (kode kelurahan,
RW, RT), lalu tahun.</p>
<p><a href="/dana/">Cari RT atau kelurahan di halaman dana Kampung Bahagia</a></p>`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The one stylesheet (served at /dana/gaya.<hash>.css): mobile first, no web fonts, colours of the RT form.

export const PAGE_CSS = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f23;background:#f4f6f5}
.top{background:#0b6e4f;color:#fff;padding:.6rem .75rem;display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}
.top a{color:#fff;font-weight:700;text-decoration:none}
.top span{font-size:.85rem}
main,footer{max-width:48rem;margin:0 auto;padding:0 .75rem}
footer{padding-bottom:2rem;font-size:.85rem;color:#4a545e}
h1{font-size:1.35rem;line-height:1.25;margin:1rem 0 .25rem}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem}
h3,h4{font-size:1rem;margin:0}
a{color:#0a5a8a}
code{overflow-wrap:anywhere}
.sub,.meta{color:#4a545e}
.sub{margin:.25rem 0 .75rem}
.meta{font-size:.85rem}
.crumbs{font-size:.9rem;margin-top:.75rem}
.card,figure{background:#fff;border-radius:.5rem;padding:.75rem;margin:.5rem 0}
.card h2{margin-top:0}
figure{margin:0 0 1rem}
figcaption{font-size:.9rem;color:#4a545e;margin-bottom:.5rem}
form.cari{background:#fff;border-radius:.5rem;padding:.75rem;display:grid;gap:.4rem;margin:.75rem 0}
.row{display:flex;gap:.5rem;align-items:center}
input,select,button{font:inherit}
input{width:100%;padding:.55rem;border:1px solid #6b7680;border-radius:.35rem}
select{padding:.45rem;border:1px solid #6b7680;border-radius:.35rem;background:#fff}
button{margin-left:auto;padding:.55rem 1.25rem;border:0;border-radius:.35rem;background:#0b6e4f;color:#fff;font-weight:700}
ul.kels{list-style:none;padding:0;margin:0}
dl.nums{margin:.5rem 0}
dl.nums div{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;column-gap:.5rem;border-bottom:1px dotted #c3ccc8}
dl.nums dt{color:#4a545e}
dl.nums dd{margin:0 0 0 auto;font-weight:600;font-variant-numeric:tabular-nums}
@media (min-width:34rem){dl.nums{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.5rem}dl.nums div{display:block;border:0}dl.nums dt{font-size:.8rem}}
dl.nums small{font-weight:400}
svg.bar{display:block;width:100%;height:8px;margin:.25rem 0}
svg.chart{display:block;width:100%;height:auto;margin-bottom:.5rem}
.saldo .big{font-size:2rem;font-weight:800;margin:0;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.4rem 0}
th,td{padding:.4rem .25rem;border-bottom:1px solid #d5dcd9;text-align:left;vertical-align:top;overflow-wrap:break-word}
.card table{font-size:.85rem;margin:0 -.5rem;width:calc(100% + 1rem)}
table.rts td{font-size:.8rem}
.card caption{padding:.4rem .5rem}
.desc,.meta{overflow-wrap:anywhere}
.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
th small{font-weight:400}
tr.total th,tr.total td{font-weight:700}
td.none{color:#4a545e;font-style:italic}
.kind{font-weight:600}
.tag{display:inline-block;font-size:.75rem;font-weight:700;padding:0 .35rem;border-radius:.25rem}
.tag.off{background:#fde8e8;color:#8a1c1c}
.tag.rev{background:#e5ecfa;color:#1d3f8a}
tr.off td{background:#fffafa}
tr.rev td{background:#f8faff}
.ok{color:#0b6e4f;font-weight:600;white-space:nowrap}
.pages{display:flex;justify-content:space-between;gap:.5rem;margin:1rem 0}
`;
