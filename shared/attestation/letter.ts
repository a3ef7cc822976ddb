// The RT chair's letter (surat keterangan) as one printable HTML document: A5, Bahasa Indonesia, inline CSS
// and an inline SVG QR code of the verification URL; no script, fonts or other external resources, so it
// prints the same offline and passes a strict CSP. Every interpolated string is escaped.
import { RT_CODE } from '#shared/city/regions.ts';
import { qrSvg } from './qr.ts';
import { type AttestationStatus, escapeHtml, STATUS_LABEL, tanggalWib } from './verify-page.ts';

export interface LetterInput {
  /** The city, from its region data; `cardName`, the local name of its PBI APBD card, where it has one. */
  city: { name: string; code: string; cardName?: string };
  attestation: {
    id: string;
    /** ISO instant; coverage is active from then. */
    issuedAt: string;
    reason: string;
    facility?: string;
    status: AttestationStatus;
  };
  resident: { nik: string; name: string; birthDate: string; sex: 'M' | 'F'; kk?: string };
  rt: {
    /** 1571011012-003-012: kelurahan, RW, RT. */
    code: string;
    /** Kelurahan name. */
    kelurahan: string;
    /** Kecamatan name. */
    kecamatan?: string;
    chairName?: string;
  };
  /** The issuing chair's account (Cognito sub). */
  chair: { sub: string };
  verifyUrl: string;
}

const SEX_LABEL = { M: 'Laki-laki', F: 'Perempuan' } as const;

const STYLE = `
@page { size: A5; margin: 12mm }
*{box-sizing:border-box}
html{background:#e9e9e9}
body{margin:0;font:9.5pt/1.27 "Times New Roman",Times,"Liberation Serif","Noto Serif",serif;color:#000}
body.dense{font-size:8.5pt}body.denser{font-size:8pt}
.sheet{width:148mm;min-height:210mm;margin:8mm auto;padding:12mm;background:#fff}
.kop{border-bottom:3px double #000;padding-bottom:1.5mm;margin-bottom:3mm}
.kop p{margin:0;font-weight:bold;letter-spacing:.02em;text-align:center}
.kop .gov{font-size:10.5pt}.kop .rt{font-size:11pt}
h1{font-size:12pt;text-align:center;text-decoration:underline;margin:0;letter-spacing:.05em}
.no{text-align:center;margin:0 0 3mm}
p{margin:0 0 1.5mm;text-align:justify}
table.id{border-collapse:collapse;margin:0 0 1.5mm 4mm}
table.id td{padding:0 1.5mm;vertical-align:top}
table.id td:first-child{padding-left:0;white-space:nowrap}
.active{border:1px solid #000;padding:.8mm 2.5mm;font-weight:bold;text-align:center;margin:2mm 0}
.foot{display:flex;justify-content:space-between;align-items:flex-start;gap:6mm;margin-top:2mm;break-inside:avoid}
.qr{flex:1;display:flex;gap:2mm;align-items:flex-start;font-size:7.5pt;line-height:1.25}
.qr svg{flex:none;display:block;width:24mm;height:24mm}
.qr .url{overflow-wrap:anywhere;font-family:monospace;font-size:6pt;margin:.5mm 0 1.5mm}
.sign{text-align:center;width:46mm;flex:none}
.sign .space{height:13mm}
.sign .name{font-weight:bold;text-decoration:underline}
.meta{font-size:6.5pt;color:#444;margin:2mm 0 0;border-top:1px solid #999;padding-top:.8mm;text-align:left}
.hint{max-width:148mm;margin:4mm auto 0;font:10pt system-ui,sans-serif;text-align:center;color:#333}
@media print{html{background:none}.sheet{width:auto;min-height:0;margin:0;padding:0}.hint{display:none}}
`;

/** The letter as a complete HTML document, ready for the browser's own print dialog. */
export function renderLetter(input: LetterInput): string {
  const { city, attestation: a, resident: r, rt } = input;
  const m = RT_CODE.exec(rt.code);
  if (!m) throw new Error('not an RT code');
  const rw = m[5]!;
  const rtNo = m[6]!;
  const kelurahanCode = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
  const e = escapeHtml;
  const issued = tanggalWib(a.issuedAt);
  // A long reason (up to 500 characters) and a long name still fit one A5 page in a smaller type.
  const free = a.reason.length + (a.facility?.length ?? 0) + r.name.length;
  const density = free > 480 ? 'denser' : free > 160 ? 'dense' : '';
  const place = city.name.replace(/^(kota|kabupaten|kab\.)\s+/i, '');
  const area = [
    `RT ${rtNo} / RW ${rw}`,
    `Kel. ${rt.kelurahan}`,
    ...(rt.kecamatan ? [`Kec. ${rt.kecamatan}`] : []),
  ].join(', ');

  const rows: [string, string][] = [
    ['Nama', `<b>${e(r.name)}</b>`],
    ['NIK', e(r.nik)],
    ['Tanggal lahir', e(tanggalWib(r.birthDate))],
    ['Jenis kelamin', SEX_LABEL[r.sex] ?? e(String(r.sex))],
    ...(r.kk ? [['Nomor KK', e(r.kk)] as [string, string]] : []),
    ['Alamat', e(area)],
  ];

  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Surat Keterangan ${e(a.id)}</title>
<style>${STYLE}</style>
</head>
<body${density ? ` class="${density}"` : ''}>
<article class="sheet">
<header class="kop">
<p class="gov">PEMERINTAH ${e(city.name.toUpperCase())}</p>
${rt.kecamatan ? `<p>KECAMATAN ${e(rt.kecamatan.toUpperCase())}</p>\n` : ''}<p>KELURAHAN ${e(rt.kelurahan.toUpperCase())}</p>
<p class="rt">RUKUN TETANGGA ${rtNo} / RUKUN WARGA ${rw}</p>
</header>
<h1>SURAT KETERANGAN</h1>
<p class="no">Nomor: ${e(a.id)}</p>
<p>Yang bertanda tangan di bawah ini, Ketua RT ${rtNo} / RW ${rw} Kelurahan ${e(rt.kelurahan)}${rt.kecamatan ? `, Kecamatan ${e(rt.kecamatan)}` : ''}, ${e(city.name)}, menerangkan bahwa:</p>
<table class="id">
${rows.map(([k, v]) => `<tr><td>${k}</td><td>:</td><td>${v}</td></tr>`).join('\n')}
</table>
<p>adalah benar warga yang bertempat tinggal di wilayah RT ${rtNo} / RW ${rw} dan tergolong warga kurang mampu yang membutuhkan pelayanan kesehatan.</p>
<p>Keperluan: ${e(sentence(a.reason))}${a.facility ? `. Fasilitas kesehatan yang dituju: ${e(sentence(a.facility))}` : ''}.</p>
<p>Atas dasar surat ini, warga tersebut menjadi peserta JKN yang iurannya dibayar Pemerintah ${e(city.name)} (PBI APBD${city.cardName ? ` / ${e(city.cardName)}` : ''}).</p>
<p class="active">Berlaku sejak ${e(issued)} — JKN PBI APBD aktif</p>
<p>Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.</p>
<div class="foot">
<div class="qr">
${qrSvg(input.verifyUrl, { title: 'Kode QR verifikasi surat keterangan' })}
<div>
<div>Pindai untuk memeriksa keaslian surat</div>
<div class="url">${e(input.verifyUrl)}</div>
<div class="status">Status verifikasi:<br><b>${e(STATUS_LABEL[a.status] ?? a.status)}</b></div>
</div>
</div>
<div class="sign">
<div>${e(place)}, ${e(issued)}</div>
<div>Ketua RT ${rtNo}</div>
<div class="space"></div>
<div class="name">${rt.chairName ? e(rt.chairName) : '(..................................)'}</div>
</div>
</div>
<p class="meta">Diterbitkan elektronik melalui SehatKota ${e(city.name)} (wilayah ${e(city.code)}, kelurahan ${e(kelurahanCode)}) oleh akun ${e(input.chair.sub)}. Status terbaru: pindai kode QR.</p>
</article>
<p class="hint">Cetak surat ini dengan menu Cetak pada peramban (Ctrl+P), ukuran kertas A5.</p>
</body>
</html>
`;
}

/** Free text to go before a full stop the letter adds: trimmed, without its own final stops. */
function sentence(text: string): string {
  return text.trim().replace(/[\s.]+$/, '');
}
