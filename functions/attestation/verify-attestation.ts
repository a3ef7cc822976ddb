// GET /verify/{code} — public: is this letter genuine? `{valid, status, issuedAt, rt, name}` with the name
// masked and never the NIK; a browser (the QR code scanned with a phone) gets the same as a small page.
import * as z from 'zod/mini';
import { isVerifyCode } from '#shared/attestation/codes.ts';
import { verifyByCode } from '#shared/attestation/repository.ts';
import { renderVerifyPage } from '#shared/attestation/verify-page.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler(
  { params: z.object({ code: z.string() }) },
  async ({ params, headers }) => {
    const found = isVerifyCode(params.code) ? await verifyByCode(params.code) : undefined;
    const status = found ? 200 : 404;
    const body = found ?? { valid: false as const };
    if (/text\/html/.test(headers.accept ?? '')) {
      return {
        status,
        text: renderVerifyPage(body),
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          'referrer-policy': 'no-referrer',
        },
      };
    }
    return { status, body };
  },
);
