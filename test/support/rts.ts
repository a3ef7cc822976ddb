// RTs in the directory for tests, written as POST /rts writes them (the domain's registerRt, audited).
import { kelurahanOfRt } from '../../shared/city/regions.ts';
import { registerRt } from '../../shared/city/rts.ts';

const ACTOR = { sub: 'test-setup', roles: ['city_admin'] };

/** Adds RTs to the directory: codes, or demo RTs (their chair's name and households). */
export async function addRts(
  rts: readonly (string | { rt: string; households?: number; chairName?: string })[],
): Promise<void> {
  for (const given of rts) {
    const rt = typeof given === 'string' ? { rt: given } : given;
    await registerRt(
      {
        rt: rt.rt,
        chairName: rt.chairName ?? `Ketua RT ${rt.rt.slice(-3)}`,
        households: rt.households ?? 80,
      },
      { actor: ACTOR, requestId: `setup-${rt.rt}-${kelurahanOfRt(rt.rt)}`, now: new Date().toISOString() },
    );
  }
}
