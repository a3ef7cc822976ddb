// The form's service worker (scope /rt/): keeps the shell so the form opens without signal. It answers
// for the shell files only; API calls and /rt/config.json pass by untouched and are never cached.
const CACHE = 'rt-shell-v6';
const BASE = new URL('./', self.location.href).pathname;
const SHELL = [
  '',
  'index.html',
  'app.css',
  'app.js',
  'lib.js',
  'cognito.js',
  'fund.js',
  'homecare.js',
  'kader.js',
  'icon.svg',
].map((f) => BASE + f);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Past the HTTP cache (modules may be cached 5 minutes): one version of every file, not a mix.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Stale-while-revalidate: the cached shell at once (weak signal), a fresh copy kept for the next visit.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (
    event.request.method !== 'GET' ||
    url.origin !== self.location.origin ||
    !SHELL.includes(url.pathname)
  ) {
    return;
  }
  // Cognito's ?code=… lands on /rt/ too: one cache entry per file, whatever the query.
  const key = url.pathname;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(key);
      const fresh = fetch(key, { cache: 'no-cache' })
        .then((res) => {
          if (res.ok) return cache.put(key, res.clone()).then(() => res);
          return res;
        })
        .catch(() => undefined);
      if (cached) {
        event.waitUntil(fresh);
        return cached;
      }
      return (await fresh) ?? Response.error();
    }),
  );
});
