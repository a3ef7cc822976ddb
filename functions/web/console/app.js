// The staff console (no framework): sign-in (Cognito's hosted UI with PKCE in AWS; locally a picker of roles, or
// ?as=<role>), the menu of the pages the user's roles may see, and the hash routing that renders them. The pages
// live in one module per role; each exports `pages`: [{hash: '#/…', title, roles, render: async (main, params)}].
// A page's `params` is what follows its hash ('#/surat/abc' → 'abc' for '#/surat'); a role's first page is its home.
// Optional per page: `menu: false` (routable, not in the menu). With params, the page's h1 titles the tab.
import { pages as adminPages } from './admin.js';
import { pages as clinicPages } from './clinic.js';
import {
  $,
  CONSOLE_ROLES,
  claims,
  cognito,
  el,
  notice,
  noticeNavigated,
  onSignedOut,
  ROLE_LABEL,
  restoreSession,
  runLeave,
  saveSession,
  session,
  state,
} from './lib.js';
import { pages as operatorPages } from './operator.js';
import { pages as verifierPages } from './verifier.js';

const ALL_PAGES = [...operatorPages, ...verifierPages, ...adminPages, ...clinicPages];

let loginNote = '';
/** Local mode's puskesmas, when /auth/dev-users lists them: [{code, name}]. */
let devPuskesmas = null;

// ---------- configuration and sign-in

async function loadConfig() {
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) state.cfg = { ...state.cfg, ...(await res.json()) };
  } catch {
    // No connection: local defaults; the sign-in says what fails.
  }
}

/** Back from Cognito with ?code=…&state=…: the session, or why not. */
async function cognitoCallback() {
  const tokens = await cognito.callback();
  if (tokens) saveSession({ token: tokens.id_token, refresh: tokens.refresh_token });
  else if (tokens === null) loginNote = 'Gagal masuk. Coba lagi.';
}

/** Local mode: a token for a role from the local server (as Cognito would issue it). */
async function devSignIn(role, puskesmas) {
  try {
    const res = await fetch('/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role, ...(puskesmas ? { puskesmas } : {}) }),
    });
    if (!res.ok) throw new Error(String(res.status));
    const { token } = await res.json();
    const place = devPuskesmas?.find((p) => p.code === puskesmas)?.name;
    saveSession({ token, ...(place ? { name: `${ROLE_LABEL[role]}, ${place}` } : {}) });
    loginNote = '';
    return true;
  } catch {
    loginNote = 'Gagal masuk. Periksa server lokal, lalu coba lagi.';
    return false;
  }
}

/** Local mode's puskesmas from /auth/dev-users, if it lists them (once). */
async function loadDevPuskesmas() {
  if (devPuskesmas) return devPuskesmas;
  try {
    const res = await fetch('/auth/dev-users');
    const users = res.ok ? await res.json() : {};
    devPuskesmas = Array.isArray(users.puskesmas)
      ? users.puskesmas.filter((p) => typeof p?.code === 'string')
      : [];
  } catch {
    devPuskesmas = [];
  }
  return devPuskesmas;
}

/** Local mode: /console/?as=<role>[&puskesmas=<code>] signs in at once, then leaves the address bar clean. */
async function signInAs() {
  const q = new URLSearchParams(location.search);
  const role = q.get('as');
  if (!role) return;
  q.delete('as');
  const puskesmas = q.get('puskesmas');
  q.delete('puskesmas');
  const rest = q.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  if (state.cfg.auth !== 'local') return;
  if (!CONSOLE_ROLES.includes(role)) {
    loginNote = `Peran "${role}" tidak memakai konsol ini.`;
    return;
  }
  const list = role === 'clinic' ? await loadDevPuskesmas() : [];
  const chosen = puskesmas ?? list[0]?.code;
  runLeave();
  await devSignIn(role, role === 'clinic' ? chosen : undefined);
}

function signOut() {
  runLeave();
  saveSession(null);
  loginNote = '';
  if (state.cfg.auth === 'cognito') {
    cognito.signOut();
    return;
  }
  history.replaceState(null, '', location.pathname);
  route();
}

/** A fresh <main> for each visit: a page still rendering after the user left writes into a detached one. */
function freshMain() {
  const old = $('main');
  const main = old.cloneNode(false);
  old.replaceWith(main);
  return main;
}

async function showSignIn(main) {
  document.title = 'Masuk · SehatKota';
  const msg = el('p', { id: 'login-msg', class: 'err', role: 'alert' }, loginNote);
  const intro = el(
    'p',
    {},
    'Konsol staf SehatKota: operator 112, verifikator Dinas Sosial, admin kota (Dinkes) dan puskesmas.',
  );
  if (state.cfg.auth === 'cognito') {
    main.append(
      el('h1', { tabindex: '-1' }, 'Masuk'),
      intro,
      el(
        'button',
        { type: 'button', id: 'login-cognito', onclick: cognito.signIn },
        'Masuk dengan akun kota',
      ),
      msg,
    );
    return;
  }
  const role = el(
    'select',
    { id: 'role', name: 'role' },
    ...CONSOLE_ROLES.map((r) => el('option', { value: r }, `${ROLE_LABEL[r]} (${r})`)),
  );
  const pusk = el('select', { id: 'puskesmas', name: 'puskesmas' });
  const puskField = el(
    'div',
    { class: 'f', hidden: true },
    el('label', { for: 'puskesmas' }, 'Puskesmas'),
    pusk,
  );
  const showPusk = () => {
    puskField.hidden = role.value !== 'clinic' || !pusk.options.length;
  };
  role.addEventListener('change', showPusk);
  const form = el(
    'form',
    { id: 'login-local', class: 'card narrow', 'aria-labelledby': 'login-title' },
    el('h2', { id: 'login-title' }, 'Mode lokal: pilih peran'),
    el('div', { class: 'f' }, el('label', { for: 'role' }, 'Peran'), role),
    puskField,
    el('button', { type: 'submit', id: 'login-submit' }, 'Masuk'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.querySelector('button').disabled = true;
    const ok = await devSignIn(role.value, role.value === 'clinic' ? pusk.value || undefined : undefined);
    form.querySelector('button').disabled = false;
    if (ok) {
      history.replaceState(null, '', location.pathname);
      route();
    } else msg.textContent = loginNote;
  });
  main.append(el('h1', { tabindex: '-1' }, 'Masuk'), intro, form, msg);
  const list = await loadDevPuskesmas();
  pusk.replaceChildren(...list.map((p) => el('option', { value: p.code }, p.name ?? p.code)));
  showPusk();
}

// ---------- menu and routing

/** The pages this user may open, in the modules' order. */
function myPages(s) {
  return s ? ALL_PAGES.filter((p) => p.roles.some((r) => s.roles.includes(r))) : [];
}

/** The user's home: the first page of their main role, else their first page. */
function homeOf(s, pages) {
  return pages.find((p) => p.roles.includes(s.role) && p.menu !== false) ?? pages[0];
}

/** The page a hash opens, and its params: the longest page hash the location starts with. */
function match(hash, pages) {
  let found;
  for (const page of pages) {
    const exact = hash === page.hash;
    if (!exact && !hash.startsWith(`${page.hash}/`)) continue;
    if (!found || page.hash.length > found.page.hash.length) {
      found = { page, params: exact ? '' : decodeURIComponent(hash.slice(page.hash.length + 1)) };
    }
  }
  return found;
}

function renderMenu(pages, current) {
  const shown = pages.filter((p) => p.menu !== false);
  $('menu').replaceChildren(
    ...shown.map((p) =>
      el('li', {}, el('a', { href: p.hash, 'aria-current': p === current ? 'page' : null }, p.title)),
    ),
  );
  $('nav').hidden = shown.length === 0;
}

function showWho(s) {
  $('who').textContent = s
    ? s.name === ROLE_LABEL[s.role]
      ? s.name
      : `${s.name} · ${ROLE_LABEL[s.role] ?? s.role}`
    : '';
  $('signout').hidden = !s;
}

let run = 0;

async function route() {
  const mine = ++run;
  runLeave();
  noticeNavigated();
  const main = freshMain();
  const s = session();
  const expired =
    s && (claims(state.current.token)?.exp ?? Infinity) * 1000 < Date.now() && !state.current.refresh;
  if (expired) {
    saveSession(null);
    loginNote = 'Sesi Anda berakhir. Silakan masuk lagi.';
  }
  const who = expired ? null : s;
  showWho(who);
  if (!who) {
    renderMenu([], null);
    await showSignIn(main);
    main.querySelector('h1')?.focus();
    return;
  }
  const pages = myPages(who);
  if (!pages.length) {
    renderMenu([], null);
    document.title = 'Konsol staf · SehatKota';
    main.append(
      el('h1', { tabindex: '-1' }, 'Konsol staf'),
      el(
        'p',
        {},
        CONSOLE_ROLES.includes(who.role)
          ? `Belum ada halaman untuk peran ${ROLE_LABEL[who.role]}.`
          : 'Akun ini bukan akun staf konsol. Ketua RT dan kader memakai formulir RT: ',
        CONSOLE_ROLES.includes(who.role) ? null : el('a', { href: '/rt/' }, 'buka formulir RT'),
      ),
    );
    main.querySelector('h1').focus();
    return;
  }
  const found = match(location.hash, pages);
  if (!found) {
    history.replaceState(null, '', `${location.pathname}${location.search}${homeOf(who, pages).hash}`);
    return route();
  }
  renderMenu(pages, found.page);
  document.title = `${found.page.title} · SehatKota`;
  try {
    await found.page.render(main, found.params);
  } catch (error) {
    if (mine !== run) return;
    console.warn('page failed', error);
    main.append(el('p', { class: 'err', role: 'alert' }, 'Halaman ini gagal dimuat. Muat ulang halaman.'));
  }
  if (mine !== run) return;
  let h1 = main.querySelector('h1');
  if (!h1) {
    h1 = el('h1', {}, found.page.title);
    main.prepend(h1);
  }
  if (found.params && h1.textContent.trim()) document.title = `${h1.textContent.trim()} · SehatKota`;
  else document.title = `${found.page.title} · SehatKota`;
  h1.tabIndex = -1;
  // Moving focus mid-page (a form already focused by the page) would be rude: only from the page's start.
  if (!main.contains(document.activeElement)) h1.focus();
}

async function start() {
  await loadConfig();
  await cognitoCallback();
  restoreSession();
  await signInAs();
  onSignedOut((note) => {
    runLeave();
    loginNote = note ?? '';
    route();
  });
  $('signout').addEventListener('click', signOut);
  // The skip link must not become a route: focus the page's content instead.
  $('skip').addEventListener('click', (event) => {
    event.preventDefault();
    const main = $('main');
    (main.querySelector('h1') ?? main).focus();
  });
  addEventListener('hashchange', route);
  notice('');
  route();
}

start();
