// The public page behind a letter's QR code: whoever scans it learns whether the letter is genuine, its
// review status, when and by which RT it was issued, and the resident's masked name; never a NIK.
// No script, no external resources. It imports only the region table, so the public function stays
// small; the letter borrows its HTML helpers from here.

import { city, kelurahanOfRt, placeOf, RT_CODE } from '#shared/city/regions.ts';
import { escapeHtml } from '#shared/platform/html.ts';
import { BULAN } from '#shared/platform/wib.ts';

export type AttestationStatus = 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED';

export type VerifyResult =
  | {
      valid: true;
      status: AttestationStatus;
      /** ISO instant. */
      issuedAt: string;
      /** RT code (1571011012-003-012) or a label. */
      rt: string;
      /** Already masked ("S*** W***"). */
      name: string;
    }
  | { valid: false };

export { escapeHtml };

/**
 * "23 November 2026": the WIB date of an ISO instant. A date alone ("1990-06-15") gives that date (it is
 * read as UTC midnight, still the same day in WIB). Unparseable input comes back unchanged.
 */
export function tanggalWib(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms + 7 * 3600_000);
  return `${d.getUTCDate()} ${BULAN[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export const STATUS_LABEL: Record<AttestationStatus, string> = {
  PENDING_REVIEW: 'Menunggu verifikasi Dinas Sosial',
  APPROVED: 'Disetujui Dinas Sosial',
  REJECTED: 'Ditolak Dinas Sosial',
};

/** "RT 012 / RW 003, Kelurahan <name>, Kecamatan <name>, <city>" from an RT code; any other label as it is. */
function rtLabel(rt: string): string {
  const m = RT_CODE.exec(rt);
  if (!m) return rt;
  const place = placeOf(kelurahanOfRt(rt));
  if (!place) return `RT ${m[6]} / RW ${m[5]}, Kelurahan ${kelurahanOfRt(rt)}`;
  return `RT ${m[6]} / RW ${m[5]}, Kelurahan ${place.kelurahan.name}, Kecamatan ${place.kecamatan.name}, ${city().name}`;
}

/** Belt and braces on a public page: a run of 16 digits (a NIK or KK number) never shows. */
function noNik(text: string): string {
  return text.replace(/\d{16,}/g, (run) => '*'.repeat(run.length));
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:28rem;margin:0 auto;padding:1.25rem}
.card{background:#fff;border-radius:.75rem;padding:1.25rem;border-top:.5rem solid #888}
.ok{border-top-color:#1b7f3b}.warn{border-top-color:#b26a00}.bad{border-top-color:#b3261e}
h1{font-size:1.35rem;margin:0 0 .75rem}
dl{margin:0}dt{font-size:.8rem;color:#555;margin-top:.75rem}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
p{margin:.75rem 0 0}
footer{font-size:.8rem;color:#555;margin-top:1rem;text-align:center}
`;

/** The page for whoever scanned the QR code. */
export function renderVerifyPage(result: VerifyResult): string {
  const body = result.valid ? validBody(result) : invalidBody();
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${result.valid ? 'Surat keterangan ASLI' : 'Surat tidak ditemukan'} - Verifikasi surat keterangan RT</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<footer>Verifikasi surat keterangan RT - SehatKota</footer>
</main>
</body>
</html>
`;
}

function validBody(r: Extract<VerifyResult, { valid: true }>): string {
  const tone = r.status === 'APPROVED' ? 'ok' : r.status === 'REJECTED' ? 'bad' : 'warn';
  const note =
    r.status === 'REJECTED'
      ? '<p>Surat ini ditolak setelah diperiksa Dinas Sosial; JKN PBI APBD dari surat ini tidak berlaku lagi.</p>'
      : r.status === 'PENDING_REVIEW'
        ? '<p>JKN PBI APBD aktif sejak surat diterbitkan; Dinas Sosial akan memeriksanya.</p>'
        : '';
  const status = STATUS_LABEL[r.status] ?? r.status;
  return `<section class="card ${tone}">
<h1>Surat keterangan ASLI</h1>
<dl>
<dt>Status</dt><dd>${escapeHtml(noNik(status))}</dd>
<dt>Diterbitkan</dt><dd>${escapeHtml(noNik(tanggalWib(r.issuedAt)))} (WIB)</dd>
<dt>Rukun Tetangga</dt><dd>${escapeHtml(noNik(rtLabel(r.rt)))}</dd>
<dt>Nama warga</dt><dd>${escapeHtml(noNik(r.name))}</dd>
</dl>
${note}
</section>`;
}

function invalidBody(): string {
  return `<section class="card bad">
<h1>Surat tidak ditemukan</h1>
<p>Kode pada surat ini tidak dikenal. Surat mungkin palsu atau kodenya rusak. Tanyakan ke Ketua RT yang menerbitkannya atau ke Dinas Sosial.</p>
</section>`;
}
