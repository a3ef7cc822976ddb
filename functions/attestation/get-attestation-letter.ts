// GET /attestations/{id}/letter — the printable A5 letter with its QR code (the issuing chair, verifiers,
// city_admin). The QR code's verification code is derived again from the id; it is never stored.
import * as z from 'zod/mini';
import { verifyCode, verifyUrl } from '#shared/attestation/codes.ts';
import { renderLetter } from '#shared/attestation/letter.ts';
import { getAttestation } from '#shared/attestation/repository.ts';
import { attestationIdSchema } from '#shared/attestation/schemas.ts';
import { city, placeOf } from '#shared/city/regions.ts';
import { getRt } from '#shared/city/rts.ts';
import { hasRole } from '#shared/platform/auth.ts';
import { pbiApbdCardName } from '#shared/platform/config.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler(
  { params: z.object({ id: attestationIdSchema }) },
  async ({ params, principal }) => {
    const att = await getAttestation(params.id);
    const staff = hasRole(principal, 'social_verifier') || hasRole(principal, 'city_admin');
    if (!att || (!staff && att.issuedBy !== principal?.sub))
      throw new NotFound('No attestation with this id');
    const [rt, code] = await Promise.all([getRt(att.rt), verifyCode(att.id)]);
    // Names are looked up by code here, never stored with the letter: a letter always prints the place's real name.
    const place = placeOf(att.kelurahan);
    const card = pbiApbdCardName();
    const html = renderLetter({
      city: { ...city(), ...(card ? { cardName: card } : {}) },
      attestation: {
        id: att.id,
        issuedAt: att.issuedAt,
        reason: att.reason,
        status: att.status,
        ...(att.facility ? { facility: att.facility } : {}),
      },
      resident: att.resident,
      rt: {
        code: att.rt,
        kelurahan: place?.kelurahan.name ?? att.kelurahan,
        ...(place ? { kecamatan: place.kecamatan.name } : {}),
        ...(rt?.chairName ? { chairName: rt.chairName } : {}),
      },
      chair: { sub: att.issuedBy },
      verifyUrl: verifyUrl(code),
    });
    return {
      status: 200,
      text: html,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      },
    };
  },
);
