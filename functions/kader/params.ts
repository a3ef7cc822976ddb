// The kader routes' path: the kader's NIK; and who may read a kader's record (the kader, a clinic, the city).
import * as z from 'zod/mini';
import type { Principal } from '#shared/platform/auth.ts';
import { Forbidden } from '#shared/platform/errors.ts';
import { nikSchema } from '#shared/registry/fields.ts';

export const kaderParams = z.object({ nik: nikSchema });

export function assertMayRead(p: Principal, nik: string): void {
  if (p.roles.includes('clinic') || p.roles.includes('city_admin')) return;
  if (p.roles.includes('kader') && p.nik === nik) return;
  throw new Forbidden('A kader sees their own record only');
}

export const ctxOf = (req: { principal: Principal | null; requestId: string }) => ({
  actor: req.principal!,
  requestId: req.requestId,
  now: new Date().toISOString(),
});
