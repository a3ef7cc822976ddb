// Work over many items with a bounded number in flight (DynamoDB calls, mostly): faster than one at a time,
// without a burst of thousands of requests at once. Results keep the items' order.
export async function mapInFlight<T, R>(
  items: readonly T[],
  inFlight: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
  return out;
}
