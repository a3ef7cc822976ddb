// What every page of the staff console shares: the session and the API call, DOM helpers (text is never parsed as
// HTML), formatting for Indonesia (rupiah, numbers, days and times in WIB), the notice line, CSV downloads and the
// data tables that stand beside each chart, and cleanups when the user leaves a page. app.js signs in and routes;
// each role's pages live in their own module (operator.js, verifier.js, admin.js, clinic.js).
// Load big vendor libraries (vendor/maplibre-gl.mjs) with import() inside a page's render, so the shell stays light.

import { hostedUi } from './cognito.js';

export const $ = (id) => document.getElementById(id);

const SESSION = 'console.session';

/** How to sign in (config.json) and who is signed in; app.js fills them, the pages read them through session(). */
export const state = {
  cfg: { auth: 'local', map: null, reviewDays: 14 },
  /** { token, refresh?, name? } */
  current: null,
};

// ---------- the session

/** A JWT's claims (not verified: the API does that), or null. */
export function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

/** The console's roles, most powerful first: a user in two groups is shown as the first. */
export const CONSOLE_ROLES = ['city_admin', 'social_verifier', 'operator', 'clinic'];

/** The roles in Indonesian, for the header and the sign-in. */
export const ROLE_LABEL = {
  city_admin: 'Admin kota (Dinkes)',
  social_verifier: 'Verifikator Dinas Sosial',
  operator: 'Operator 112',
  clinic: 'Puskesmas / klinik',
};

/**
 * Who is signed in, from the token's claims: `{role, roles, name, puskesmas?, username?}`, or null. `role` is the
 * user's first console role (CONSOLE_ROLES order), `roles` all their groups.
 */
export function session() {
  const c = state.current && claims(state.current.token);
  if (!c) return null;
  const roles = Array.isArray(c['cognito:groups']) ? c['cognito:groups'] : [];
  const role = CONSOLE_ROLES.find((r) => roles.includes(r)) ?? roles[0] ?? '';
  return {
    role,
    roles,
    name: c.name ?? state.current.name ?? ROLE_LABEL[role] ?? role,
    ...(typeof c['custom:puskesmas'] === 'string' ? { puskesmas: c['custom:puskesmas'] } : {}),
    ...(typeof c['cognito:username'] === 'string' ? { username: c['cognito:username'] } : {}),
  };
}

export function saveSession(next) {
  state.current = next;
  if (next) sessionStorage.setItem(SESSION, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION);
}

export function restoreSession() {
  try {
    state.current ??= JSON.parse(sessionStorage.getItem(SESSION) ?? 'null');
  } catch {
    state.current = null;
  }
}

/** Cognito's sign-in for the console (the code flow with PKCE, back to /console/), and its renewal of a 401. */
export const cognito = hostedUi({
  cfg: () => state.cfg,
  redirectUri: () => `${location.origin}/console/`,
  pkceKey: 'console.pkce',
});
const renew = cognito.renewer(() => state.current, saveSession);

let signedOut = () => undefined;
/** What app.js does when a call finds the session over: sign out and show the sign-in. */
export const onSignedOut = (fn) => {
  signedOut = fn;
};

/**
 * A call to the API with the bearer token. Always resolves: `{status, body, text, headers}`, `body` the parsed JSON
 * (undefined when the answer is not JSON), `status` 0 when the network failed. `json` is sent as the JSON body. A 401
 * (after one renewal in AWS) signs out and shows the sign-in, then resolves with status 401.
 */
export async function api(path, { method = 'GET', json, headers = {} } = {}) {
  // Signed out already (a page still loading after an earlier 401): nothing to send, the sign-in is showing.
  if (!state.current) return { status: 401, body: undefined, text: '', headers: new Headers() };
  let sent = '';
  const call = () => {
    sent = state.current.token;
    return fetch(path, {
      method,
      cache: 'no-store',
      headers: {
        authorization: `Bearer ${sent}`,
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  };
  let res;
  try {
    res = await call();
    // Renewed by another call meanwhile: try again with the new token rather than renew once more.
    if (res.status === 401 && state.current && (state.current.token !== sent || (await renew()))) {
      res = await call();
    }
  } catch {
    return { status: 0, body: undefined, text: '', headers: new Headers() };
  }
  const text = await res.text().catch(() => '');
  let body;
  if (/\bjson\b/.test(res.headers.get('content-type') ?? '')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (res.status === 401) {
    saveSession(null);
    signedOut('Sesi Anda berakhir. Silakan masuk lagi.');
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** Why a call failed, in a sentence for the page (status 0: no connection). */
export function failure(res, what = 'Data') {
  if (res.status === 0) return `${what} tidak bisa dimuat: periksa koneksi, lalu coba lagi.`;
  if (res.status === 401) return '';
  if (res.status === 403) return `${what} tidak bisa dibuka dengan akun ini.`;
  if (res.status === 404) return `${what} tidak ditemukan.`;
  const why = typeof res.body?.message === 'string' ? `: ${res.body.message}` : '';
  return `${what} tidak bisa dimuat (HTTP ${res.status}${why}).`;
}

// ---------- the DOM

/**
 * An element. `attrs`: `on*` functions become listeners (onclick → click); aria-*, data-*, role and names the element
 * has no property for are attributes (true → present, false/null → absent); the rest are properties (value,
 * checked, hidden, className…). Children: strings and numbers become text nodes (never parsed as HTML), nodes are
 * appended, arrays flattened, null/false/undefined skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k.startsWith('on') && typeof v === 'function') {
      node.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (v == null || v === false) {
      // Absent.
    } else if (k === 'class') {
      node.className = v;
    } else if (k.startsWith('aria-') || k.startsWith('data-') || k === 'role' || !(k in node)) {
      node.setAttribute(k, v === true ? '' : String(v));
    } else {
      try {
        node[k] = v;
      } catch {
        // A read-only property (input.list, input.form…): the attribute says the same.
        node.setAttribute(k, String(v));
      }
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child == null || child === false || child === true) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let noticeAt = 0;
let navigations = 0;

/** One line of news for the user (role="status", read out by screen readers): kind 'ok' | 'error' | 'info'. */
export function notice(text, kind = 'info') {
  const line = $('notice');
  if (!line) return;
  line.textContent = text ?? '';
  line.className = `notice ${kind}`;
  noticeAt = navigations;
}

/** app.js, at each page change: a notice outlives the one change right after it ("saved", then back to the list). */
export function noticeNavigated() {
  navigations++;
  if (noticeAt < navigations - 1) notice('');
}

const leaving = [];

/** Registers a cleanup run when the user leaves the page (another page, sign-out): stop timers and polls here. */
export function onLeave(fn) {
  leaving.push(fn);
}

/** app.js: runs and forgets the cleanups of the page being left. */
export function runLeave() {
  for (const fn of leaving.splice(0)) {
    try {
      fn();
    } catch (error) {
      console.warn('cleanup failed', error);
    }
  }
}

// ---------- formatting (Indonesia, WIB)

const WIB = 'Asia/Jakarta';
const whole = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dayFormat = (timeZone) =>
  new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', year: 'numeric', timeZone });
const dayWib = dayFormat(WIB);
const dayUtc = dayFormat('UTC');
const timeWib = new Intl.DateTimeFormat('id-ID', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: WIB,
});

/** Whole rupiah as the city writes them: "Rp 45.500.000" (negative: "-Rp 1.000"). */
export const fmtRupiah = (n) => `${n < 0 ? '-' : ''}Rp ${whole.format(Math.abs(n))}`;
/** "1.234". */
export const fmtNumber = (n) => whole.format(n);
/** A fraction as a percentage with one decimal: fmtPct(0.982) → "98,2%". */
export const fmtPct = (x) => `${oneDecimal.format(x * 100)}%`;

/**
 * A day: "3 Des 2026". A calendar day (YYYY-MM-DD) as it is; a moment (an ISO time or a Date) on its day in WIB.
 */
export function fmtDay(isoOrDate) {
  if (isoOrDate == null || isoOrDate === '') return '';
  if (typeof isoOrDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate)) {
    return dayUtc.format(new Date(`${isoOrDate}T00:00:00Z`));
  }
  const d = isoOrDate instanceof Date ? isoOrDate : new Date(isoOrDate);
  return Number.isNaN(d.getTime()) ? '' : dayWib.format(d);
}

/** A moment in WIB: "3 Des 2026 14.05". */
export function fmtDateTime(iso) {
  if (iso == null || iso === '') return '';
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${dayWib.format(d)} ${timeWib.format(d).replace(':', '.')}`;
}

/** Today's calendar day in WIB (YYYY-MM-DD), as the server judges days. */
export const todayWib = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

// ---------- tables and CSV

/** RFC 4180, and a text starting = + - @ (or a tab or return) defused so a spreadsheet never runs it as a formula. */
function csvCell(value) {
  let text = value == null ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text of a table (CRLF lines, as RFC 4180 has them). */
export function csvText(header, rows) {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Offers a table as a CSV file (UTF-8 with a BOM, so a spreadsheet reads the names right). */
export function csvDownload(filename, header, rows) {
  const blob = new Blob(['\ufeff', csvText(header, rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A table: the caption says what it is, a header cell per column (scope col), a row per `rows` entry. Numbers are
 * formatted (fmtNumber) and right-aligned; strings are text; nodes go in as they are. The text equivalent of a chart.
 */
export function dataTable({ caption, columns, rows }) {
  return el(
    'table',
    { class: 'data' },
    caption ? el('caption', {}, caption) : null,
    el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c)))),
    el(
      'tbody',
      {},
      ...rows.map((row) =>
        el(
          'tr',
          {},
          ...row.map((cell) =>
            typeof cell === 'number'
              ? el('td', { class: 'num' }, Number.isFinite(cell) ? fmtNumber(cell) : '–')
              : el('td', {}, cell ?? ''),
          ),
        ),
      ),
    ),
  );
}

/** A short label in a colour, its meaning in its words too: kind 'ok' | 'bad' | 'wait' | 'none'. */
export const badge = (text, kind = 'none') => el('span', { class: `badge ${kind}` }, text);
