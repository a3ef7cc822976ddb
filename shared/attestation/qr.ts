// An inline SVG QR code, drawn from the `qrcode` package's core encoder only (the package's own renderers
// would add some 40 KB to the bundle). Error correction M, a quiet zone of 4 modules, one path.
import { create } from 'qrcode/lib/core/qrcode.js';
import { escapeHtml } from './verify-page.ts';

export const QUIET_ZONE = 4;

/**
 * `<svg>` of `text` as a QR code. The viewBox counts modules (symbol plus quiet zone), so the caller sizes
 * it with CSS; the dark modules are one `<path>` of horizontal runs on a white background.
 */
export function qrSvg(text: string, opts: { title?: string } = {}): string {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  const total = size + 2 * QUIET_ZONE;
  let d = '';
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      const run = col - start;
      d += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`;
    }
  }
  const title = escapeHtml(opts.title ?? text);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges" role="img">` +
    `<title>${title}</title>` +
    `<rect width="${total}" height="${total}" fill="#fff"/>` +
    `<path fill="#000" d="${d}"/>` +
    '</svg>'
  );
}
