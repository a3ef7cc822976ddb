// What the served pages share of HTTP: whether the browser takes gzip, and whether its copy (If-None-Match) is current.

/** Accept-Encoding names gzip with a q above 0. */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return coding?.trim() === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** If-None-Match names this ETag (or *): weak comparison, as If-None-Match asks for. */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
