// What every page of the RT chair's (and the kader's) form shares: DOM and formatting helpers, the session and the
// API call, and the offline queue. Letters, expenses, home-visit requests and kader activities alike wait in
// localStorage with an Idempotency-Key made once at submit time, so a resend after a lost answer or a dead signal
// never makes a second one.
import { hostedUi } from './cognito.js';

export const $ = (id) => document.getElementById(id);
export const QUEUE = 'rt.queue';
const SESSION = 'rt.session';

/** What the pages share and change: how to sign in, who is signed in, and the sign-in page's note. */
export const state = {
  cfg: { auth: 'local' },
  session: null, // { token, name?, place?, refresh? }
  loginNote: '',
};

// ---------- small helpers

/** An element; children are text or elements (text is never parsed as HTML). */
export function el(tag, props = {}, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else if (v != null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...kids.filter((k) => k != null && k !== false));
  return node;
}

export const badge = ([text, kind]) => el('span', { class: `badge ${kind}` }, text);
export const notice = (text) => {
  $('notice').textContent = text;
};
const wib = new Intl.DateTimeFormat('id-ID', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Asia/Jakarta',
});
export const fmtTime = (iso) => (iso ? `${wib.format(new Date(iso))} WIB` : '');
const day = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeZone: 'UTC' });
export const fmtDay = (ymd) => (ymd ? day.format(new Date(`${ymd}T00:00:00Z`)) : '');
const longDay = new Intl.DateTimeFormat('id-ID', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
/** A day as a letter writes it, with its weekday: Senin, 7 Desember 2026. */
export const fmtDayLong = (ymd) => (ymd ? longDay.format(new Date(`${ymd}T00:00:00Z`)) : '');
const idr = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });
/** Whole rupiah as the city writes them: Rp 1.500.000. */
export const rupiah = (n) => `Rp ${idr.format(n)}`;
// Today in WIB, as the server judges "not in the future".
export const todayWib = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
export const rtLabel = (rt) => `RT ${rt.slice(15)} / RW ${rt.slice(11, 14)}`;

export function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

/** The RT of the signed-in chair, or undefined when nobody (or no chair) is signed in. */
export function rtCode() {
  const c = state.session && claims(state.session.token);
  const groups = c?.['cognito:groups'] ?? [];
  return c && groups.includes('rt_chair') && typeof c['custom:rt'] === 'string' ? c['custom:rt'] : undefined;
}

/** The NIK of the signed-in kader, or undefined when nobody (or no kader) is signed in. */
export function kaderNik() {
  const c = state.session && claims(state.session.token);
  const groups = c?.['cognito:groups'] ?? [];
  return c && groups.includes('kader') && /^\d{16}$/.test(c['custom:nik'] ?? '')
    ? c['custom:nik']
    : undefined;
}

/** Whose queued items the signed-in account sends: a chair's RT, or a kader by NIK. */
export const owner = () => rtCode() ?? (kaderNik() ? `kader:${kaderNik()}` : undefined);
const ownerOf = (item) => (item.kader ? `kader:${item.kader}` : item.rt);

/** Field errors beside their fields (aria-invalid), a general one under the form, focus on the first. */
export function showFieldErrors(fields, errors, generalId, general = '') {
  for (const f of fields) {
    $(`${f}-err`).textContent = errors[f] ?? '';
    if (errors[f]) $(f).setAttribute('aria-invalid', 'true');
    else $(f).removeAttribute('aria-invalid');
  }
  $(generalId).textContent = general;
  const first = fields.find((f) => errors[f]);
  if (first) $(first).focus();
}

/** A server 400's issues by field (in the form's own words where it has them), and the rest as one text. */
export function issuesByField(fields, texts, issues = []) {
  const errors = {};
  const general = [];
  for (const { path = '', message = '' } of issues) {
    const field = fields.find((f) => f === path || path.endsWith(`.${f}`));
    const text = texts[field] ?? `Periksa isian ini: ${message}`;
    if (field) errors[field] ??= text;
    else general.push(text);
  }
  return [errors, general.join(' ')];
}

// ---------- the session and the API

export function saveSession(next) {
  state.session = next;
  if (next) sessionStorage.setItem(SESSION, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION);
}

export const restoreSession = () => {
  state.session ??= JSON.parse(sessionStorage.getItem(SESSION) ?? 'null');
};

/** Cognito's sign-in for the form (the code flow with PKCE, back to /rt/), and its renewal of a 401. */
export const cognito = hostedUi({
  cfg: () => state.cfg,
  redirectUri: () => `${location.origin}/rt/`,
  pkceKey: 'rt.pkce',
});
const renew = cognito.renewer(() => state.session, saveSession);

export class SignedOut extends Error {}

/** Why the server turned a chair away for good (shared/city/access.ts), in the chair's words. */
const CHAIR_GONE = {
  RT_CLOSED: 'RT ini tidak aktif lagi di daftar RT kota. Hubungi kelurahan atau Dinas.',
  ACCOUNT_DISABLED: 'Akun ini dinonaktifkan. Hubungi kelurahan atau Dinas.',
  NOT_CHAIR: 'Akun ini bukan lagi akun ketua RT ini. Hubungi kelurahan atau Dinas.',
};

let reroute = () => undefined;
/** What to do when the session ends under a call: the app shows the sign-in page. */
export const onSignedOut = (fn) => {
  reroute = fn;
};

/** A call with the chair's token; a 401 (after one renewal) means sign in again. Throws on no signal. */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  if (!state.session) throw new SignedOut();
  let sent = '';
  const call = () => {
    sent = state.session.token;
    return fetch(path, {
      method,
      cache: 'no-store',
      headers: {
        authorization: `Bearer ${sent}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  };
  let res = await call();
  // Renewed by another call meanwhile: try again with the new token rather than renew once more.
  if (res.status === 401 && state.session && (state.session.token !== sent || (await renew()))) {
    res = await call();
  }
  if (res.status === 401) {
    saveSession(null);
    state.loginNote = 'Sesi Anda berakhir. Silakan masuk lagi; kiriman yang tersimpan tidak hilang.';
    reroute();
    throw new SignedOut();
  }
  // The city closed this RT or disabled this account: no page of the form can work, so say so at the sign-in.
  const gone =
    res.status === 403 &&
    CHAIR_GONE[
      (
        await res
          .clone()
          .json()
          .catch(() => ({}))
      ).reason
    ];
  if (gone) {
    saveSession(null);
    state.loginNote = `${gone} Kiriman yang tersimpan di HP ini tidak hilang.`;
    reroute();
    throw new SignedOut();
  }
  return res;
}

/** The RT's residents, a page at a time, each page handed to `onPage` as it comes; throws on no signal. */
export async function loadResidents(rt, onPage) {
  let cursor = null;
  do {
    const q = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
    const res = await api(`/rts/${encodeURIComponent(rt)}/residents?${q}`);
    if (!res.ok) throw new Error(String(res.status));
    const page = await res.json();
    // The page that asked has moved on: stop fetching.
    if (onPage(page.items) === false) return;
    cursor = page.cursor;
  } while (cursor);
}

export const failed = (error) =>
  error instanceof SignedOut
    ? ''
    : navigator.onLine
      ? 'Gagal memuat. Coba lagi sebentar lagi.'
      : 'Tidak ada sinyal. Coba lagi saat ada sinyal.';

// ---------- the offline queue

/** Where each kind of item goes, and what follows once it is sent; items saved before kinds are letters. */
const KINDS = { letter: { path: () => '/attestations' } };
export const defineKind = (name, spec) => {
  KINDS[name] = spec;
};
export const kindOf = (item) => item.kind ?? 'letter';

/** Still to do on this phone: the item itself, or the receipt that goes after it. */
export const pending = (i) => i.state === 'waiting' || i.receipt?.state === 'waiting';

export const sending = new Set();
const listeners = new Set();
const afterFlush = new Set();
/** Pages that show queued items re-render on every change. */
export const onQueueChange = (fn) => listeners.add(fn);
/** Work that follows a flush (receipts waiting for their upload). */
export const onFlushed = (fn) => afterFlush.add(fn);
export const queueChanged = () => {
  for (const fn of listeners) fn();
};

export const loadQueue = () => JSON.parse(localStorage.getItem(QUEUE) ?? '[]');

export function saveQueue(items) {
  // Everything still pending stays; of the rest, the 20 newest.
  const done = items.filter((i) => !pending(i)).slice(0, 20);
  localStorage.setItem(QUEUE, JSON.stringify(items.filter((i) => pending(i) || done.includes(i))));
}

export function updateItem(key, patch) {
  saveQueue(loadQueue().map((i) => (i.key === key ? { ...i, ...patch } : i)));
  return loadQueue().find((i) => i.key === key);
}

export const dropItem = (key) => saveQueue(loadQueue().filter((i) => i.key !== key));

/** One attempt for one queued item: done, failed (a 4xx, shown, never retried) or still waiting. */
export async function send(queued) {
  // Another attempt (the retry timer, the online event) may have settled it meanwhile.
  const item = loadQueue().find((i) => i.key === queued.key);
  if (item?.state !== 'waiting' || sending.has(item.key)) return item ?? queued;
  const kind = KINDS[kindOf(item)];
  sending.add(item.key);
  queueChanged();
  let after;
  try {
    const res = await api(kind.path(item), {
      method: 'POST',
      body: item.body,
      headers: { 'idempotency-key': item.key },
    });
    const data = await res.json().catch(() => ({}));
    if (res.ok)
      after = updateItem(item.key, { state: 'done', result: data, sentAt: new Date().toISOString() });
    // 5xx: the server's trouble, not the item's; keep it and try again later.
    else if (res.status >= 500) after = updateItem(item.key, { tries: (item.tries ?? 0) + 1 });
    else after = updateItem(item.key, { state: 'failed', status: res.status, error: data });
  } catch {
    // No signal (or signed out): it stays waiting with the same key.
    after = loadQueue().find((i) => i.key === item.key) ?? item;
  } finally {
    sending.delete(item.key);
    queueChanged();
  }
  if (after?.state === 'done') kind.sent?.(after);
  return after;
}

let flushing = false;

/** Sends what waits for this RT (or this kader), one by one, stopping at the first item that still cannot go. */
export async function flush() {
  const me = owner();
  if (flushing || !me || !navigator.onLine) return;
  flushing = true;
  try {
    for (const item of loadQueue().filter((i) => i.state === 'waiting' && ownerOf(i) === me)) {
      const after = await send(item);
      if (after?.state === 'waiting') return;
    }
    for (const fn of afterFlush) await fn();
  } finally {
    flushing = false;
  }
}
