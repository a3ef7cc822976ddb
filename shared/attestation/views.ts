// How attestations are shown through the API: without the bookkeeping fields (period key, code hash).
import type { Attestation } from './schemas.ts';

export function attestationView(a: Attestation) {
  const { periodSk: _period, codeHash: _hash, ...shown } = a;
  return shown;
}
