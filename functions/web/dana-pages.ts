// GET /dana/{proxy+} — public, no sign-in: the Kampung Bahagia fund pages, server-rendered for a phone.
//   /dana/                      the city's RTs by kecamatan and kelurahan (?tahun=, ?kel= opens one, ?q= searches);
//                               API Gateway may route it here with an empty proxy (dana-index.ts serves /dana too)
//   /dana/{rt}/{year}[/{page}]  one RT's year: balance, the charts, every entry (100 a page)
//   /dana/{rt}                  → this year's page
//   /dana/gaya.<hash>.css       the one stylesheet
// Reads are a Query or a GetItem each (the funds table's gsi1 for a year's accounts, the directory's codes), never a
// scan. What is shown goes through views.ts first: never who recorded an entry, NIKs and phones written into a text
// masked. Each answer is gzipped when the client takes it, with an ETag (304 when it still matches).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { city, cityRegions, kelurahanOfRt, placeOf, RT_CODE } from '#shared/city/regions.ts';
import { getRtStatus, listRtStatuses } from '#shared/city/rts.ts';
import {
  type Chrome,
  PAGE_CSS,
  type ProblemPage,
  pageCount,
  renderFundPage,
  renderIndexPage,
  renderProblemPage,
  rtHref,
  rtLabel,
} from '#shared/fund/public-pages.ts';
import { accountsInArea, allEntries, getAccount } from '#shared/fund/queries.ts';
import { publicAccount, publicEntry } from '#shared/fund/views.ts';
import { logger } from '#shared/platform/logger.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { acceptsGzip, matches } from './http-cache.ts';
import type { Result } from './static.ts';

/** Pages may be kept a minute by the browser and five by CloudFront (infra/constructs/edge.ts). */
export const PAGE_CACHE = 'public, max-age=60, s-maxage=300';
/** A page that is not there may be there soon (an RT added to the directory): a minute at most. */
const MISSING_CACHE = 'public, max-age=60, s-maxage=60';
/** The first fiscal year the ledger takes (shared/fund/schemas.ts yearSchema). */
export const FIRST_YEAR = 2000;
/**
 * An address that is malformed (not an RT code, not a year) gets the same friendly page as one that names nothing,
 * saying what is wrong with it, and the status 404: the HTTP fuzzer holds every 400 to the API's JSON
 * ValidationError, which a page for people is not.
 */
export const MALFORMED_STATUS = 404;

const hash = (data: string | Buffer, length: number) =>
  createHash('sha256').update(data).digest('base64url').slice(0, length);

const CSS_NAME = `gaya.${hash(PAGE_CSS, 12)}.css`;
const CSS_FILE = /^gaya\.[\w-]{1,40}\.css$/;

const SECURITY: Readonly<Record<string, string>> = {
  // No script at all; the one stylesheet from this origin; the search form posts nowhere else.
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const chrome = (): Chrome => ({ css: `/dana/${CSS_NAME}`, city: city().name });
const currentYear = () => Number(todayWib().slice(0, 4));
const lastYear = () => currentYear() + 1;

export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  return serveDana(event, event.pathParameters?.proxy ?? '');
}

/** Any page under /dana/ by its path after /dana/ ('' for the index). */
export async function serveDana(event: APIGatewayProxyEventV2, proxy: string): Promise<Result> {
  try {
    const path = proxy.replace(/\/+$/, '');
    if (path === '') return await indexPage(event);
    if (CSS_FILE.test(path)) return stylesheet(event, path);
    return await rtPage(event, path.split('/'));
  } catch (error) {
    // Never a stack trace to the reader; the log masks any NIK or phone (shared/platform/logger.ts).
    logger.error('Fund page failed', { error, route: event.routeKey });
    return page(event, 500, renderProblemPage(chrome(), TROUBLE), 'no-store');
  }
}

/** GET /dana → /dana/, where the page's links and the search form belong. */
export function toSlash(event: APIGatewayProxyEventV2): Result {
  return redirect(
    301,
    `/dana/${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
    'public, max-age=3600',
  );
}

// ---------------------------------------------------------------------------------------------------------------

const TROUBLE: ProblemPage = {
  title: 'Halaman sedang bermasalah',
  message: 'Maaf, halaman dana ini tidak dapat ditampilkan sekarang. Coba lagi beberapa saat lagi.',
};
const MISSING = 'Halaman tidak ditemukan';
const MALFORMED = 'Alamat tidak dikenali';

const yearsText = () => `Halaman dana tersedia untuk tahun ${FIRST_YEAR} sampai ${lastYear()}.`;

function problem(event: APIGatewayProxyEventV2, status: number, p: ProblemPage): Result {
  return page(event, status, renderProblemPage(chrome(), p), MISSING_CACHE);
}
const notFound = (event: APIGatewayProxyEventV2, message: string) =>
  problem(event, 404, { title: MISSING, message });
const malformed = (event: APIGatewayProxyEventV2, message: string) =>
  problem(event, MALFORMED_STATUS, { title: MALFORMED, message });

/** A year as written in an address: undefined when it is not four digits. */
const yearOf = (text: string) => (/^\d{4}$/.test(text) ? Number(text) : undefined);
const inRange = (year: number) => year >= FIRST_YEAR && year <= lastYear();

async function indexPage(event: APIGatewayProxyEventV2): Promise<Result> {
  const query = event.queryStringParameters ?? {};
  const now = currentYear();
  let year = now;
  if (query.tahun) {
    const y = yearOf(query.tahun);
    if (y === undefined)
      return malformed(event, 'Tahun tidak dikenali: tulis tahun dengan empat angka, mis. 2026.');
    if (!inRange(y)) return notFound(event, yearsText());
    year = y;
  }
  const kel = query.kel || undefined;
  if (kel !== undefined) {
    if (!/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(kel)) {
      return malformed(event, 'Kode kelurahan tidak dikenali: kode kelurahan seperti 15.71.01.1001.');
    }
    if (!placeOf(kel)) return notFound(event, `Kelurahan ${kel} tidak ada di ${city().name}.`);
  }
  const area = city().code;
  const [directory, accounts] = await Promise.all([
    listRtStatuses(area.replaceAll('.', '')),
    accountsInArea(year, area),
  ]);
  const years = [];
  for (let y = lastYear(); y >= Math.max(FIRST_YEAR, now - 5); y--) years.push(y);
  if (!years.includes(year)) years.push(year);
  const html = renderIndexPage({
    chrome: chrome(),
    regions: cityRegions(),
    directory,
    accounts: accounts.map(publicAccount),
    year,
    currentYear: now,
    years,
    ...(kel ? { kel } : {}),
    ...(query.q ? { q: query.q } : {}),
  });
  return page(event, 200, html, PAGE_CACHE);
}

async function rtPage(event: APIGatewayProxyEventV2, parts: string[]): Promise<Result> {
  const [rt = '', yearText, pageText, ...rest] = parts;
  if (rest.length) return notFound(event, 'Halaman ini tidak ada.');
  const code = RT_CODE.exec(rt);
  if (!code || code[5] === '000' || code[6] === '000') {
    return malformed(
      event,
      'Kode RT di alamat ini tidak dikenali: kode RT terdiri dari kode kelurahan (10 angka), nomor RW dan nomor RT, mis. 1571011012-003-012.',
    );
  }
  const place = placeOf(kelurahanOfRt(rt));
  if (!place) return notFound(event, `Kelurahan RT ini tidak ada di ${city().name}.`);
  if (yearText === undefined) return redirect(302, rtHref(rt, currentYear()), 'public, max-age=60');
  const year = yearOf(yearText);
  if (year === undefined)
    return malformed(event, 'Tahun di alamat ini tidak dikenali: tulis tahun dengan empat angka, mis. 2026.');
  if (!inRange(year)) return notFound(event, yearsText());
  let n = 1;
  if (pageText !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(pageText)) return notFound(event, 'Halaman buku kas ini tidak ada.');
    n = Number(pageText);
    if (n === 1) return redirect(301, rtHref(rt, year), 'public, max-age=3600');
  }
  const [listed, account, entries] = await Promise.all([
    getRtStatus(rt),
    getAccount(rt, year),
    allEntries(rt, year),
  ]);
  if (!listed) {
    return notFound(
      event,
      `${rtLabel(rt)} di Kelurahan ${place.kelurahan.name} tidak ada di direktori RT ${city().name}.`,
    );
  }
  const pages = pageCount(entries.length);
  if (n > pages) return notFound(event, `Buku kas ${rtLabel(rt)} tahun ${year} hanya ${pages} halaman.`);
  const html = renderFundPage({
    chrome: chrome(),
    rt,
    kelurahan: place.kelurahan,
    kecamatan: place.kecamatan,
    active: listed.active,
    year,
    currentYear: currentYear(),
    firstYear: FIRST_YEAR,
    lastYear: lastYear(),
    account: publicAccount(account),
    entries: entries.map(publicEntry),
    page: n,
  });
  return page(event, 200, html, PAGE_CACHE);
}

function stylesheet(event: APIGatewayProxyEventV2, name: string): Result {
  // A page cached before a deploy may ask for the old name: it gets today's sheet, kept only briefly.
  const cache = name === CSS_NAME ? 'public, max-age=31536000, immutable' : 'public, max-age=60';
  return respond(event, 200, 'text/css; charset=utf-8', PAGE_CSS, cache);
}

// ---------------------------------------------------------------------------------------------------------------
// Answers: gzip when the client takes it, an ETag per encoding, 304 when it still matches.

function page(event: APIGatewayProxyEventV2, status: number, html: string, cache: string): Result {
  return respond(event, status, 'text/html; charset=utf-8', html, cache);
}

function respond(
  event: APIGatewayProxyEventV2,
  status: number,
  type: string,
  text: string,
  cache: string,
): Result {
  const body = Buffer.from(text, 'utf8');
  const gzip = acceptsGzip(event.headers?.['accept-encoding']);
  const tag = hash(body, 22);
  const etag = `"${tag}${gzip ? '-gz' : ''}"`;
  const headers: Record<string, string> = {
    'content-type': type,
    'cache-control': cache,
    vary: 'accept-encoding',
    ...SECURITY,
    ...(status === 200 ? { etag } : {}),
  };
  if (status === 200 && matches(event.headers?.['if-none-match'], etag)) {
    return { statusCode: 304, headers, body: '', isBase64Encoded: false };
  }
  if (gzip) {
    headers['content-encoding'] = 'gzip';
    return {
      statusCode: status,
      headers,
      body: gzipSync(body, { level: 9 }).toString('base64'),
      isBase64Encoded: true,
    };
  }
  return { statusCode: status, headers, body: text, isBase64Encoded: false };
}

function redirect(status: 301 | 302, location: string, cache: string): Result {
  return {
    statusCode: status,
    headers: { location, 'cache-control': cache, ...SECURITY },
    body: '',
    isBase64Encoded: false,
  };
}
