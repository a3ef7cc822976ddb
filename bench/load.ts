// A closed-loop load generator: `concurrency` workers each send one request, wait for it, send the next,
// until `total` requests are done. Returns each request's latency in milliseconds.
export async function closedLoop(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return latencies;
}

/** An RT chair's dev token from the local server (local mode's stand-in for Cognito). */
export async function chairToken(url: string, rt: string): Promise<string> {
  const res = await fetch(new URL('/auth/dev-token', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'rt_chair', rt }),
  });
  return ((await res.json()) as { token: string }).token;
}
