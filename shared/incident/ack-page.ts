// The page behind the acknowledgement link in a unit's SMS. Opening it (GET) only shows the incident: SMS apps
// fetch links to preview them, so only the button (a POST form, no script) acknowledges.
import { escapeHtml } from '#shared/platform/html.ts';
import { TYPE_WORD } from './alerts.ts';
import type { Assignment, Incident } from './schemas.ts';

export interface AckPageState {
  incident: Incident;
  assignment: Assignment;
  /** What just happened, after the button. */
  message?: string;
}

const time = new Intl.DateTimeFormat('id-ID', {
  timeStyle: 'short',
  dateStyle: 'medium',
  timeZone: 'Asia/Jakarta',
});

export function renderAckPage({ incident: i, assignment: a, message }: AckPageState): string {
  const { lat, lon } = i.location;
  const open = a.status === 'DISPATCHED';
  const state =
    a.status === 'ACKNOWLEDGED'
      ? 'Sudah diterima. Segera menuju lokasi.'
      : a.status === 'MISSED'
        ? 'Waktu menjawab habis; insiden ini sudah dialihkan ke unit lain.'
        : a.status === 'CLEARED'
          ? `Insiden ini sudah ${i.status === 'CANCELLED' ? 'dibatalkan' : 'selesai'}.`
          : 'Tekan tombol untuk menerima tugas ini.';
  const e = escapeHtml;
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>112 ${e(i.number)}</title>
<style>body{font:16px/1.4 system-ui,sans-serif;margin:0;padding:1rem;max-width:36rem}h1{font-size:1.3rem}
.p{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#b00020;color:#fff;font-weight:700}
button{font-size:1.2rem;padding:.9rem 1.2rem;width:100%;border:0;border-radius:.5rem;background:#0b6e4f;color:#fff}
.msg{font-weight:700}dt{font-weight:700;margin-top:.5rem}dd{margin:0}</style></head>
<body><h1><span class="p">${e(i.priority)}</span> ${e(TYPE_WORD[i.type])} · ${e(i.number)}</h1>
${message ? `<p class="msg" role="status">${e(message)}</p>` : ''}
<p>${e(state)}</p>
${open ? '<form method="post"><button type="submit">Terima tugas</button></form>' : ''}
<dl><dt>Unit</dt><dd>${e(a.unitName)} (${e(a.unitId)}), ${a.distanceM} m</dd>
<dt>Lokasi</dt><dd>${e(i.location.address ?? '')} <a href="https://www.openstreetmap.org/?mlat=${lat}&amp;mlon=${lon}#map=17/${lat}/${lon}">peta</a></dd>
<dt>Keterangan</dt><dd>${e(i.description)}</dd>
<dt>Dilaporkan</dt><dd>${e(time.format(new Date(i.reportedAt)))} WIB</dd></dl>
</body></html>`;
}

export const ACK_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'referrer-policy': 'no-referrer',
};
