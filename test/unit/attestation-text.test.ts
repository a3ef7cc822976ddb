import fc from 'fast-check';
import { create } from 'qrcode/lib/core/qrcode.js';
import { describe, expect, it } from 'vitest';
import { cityRegionsFromPackage } from '../../infra/regions.ts';
import { type LetterInput, renderLetter } from '../../shared/attestation/letter.ts';
import { QUIET_ZONE, qrSvg } from '../../shared/attestation/qr.ts';
import { attestationIssuedSms, attestationRejectedSms, maskName } from '../../shared/attestation/text.ts';
import { escapeHtml, renderVerifyPage, tanggalWib } from '../../shared/attestation/verify-page.ts';
import { city, placeOf } from '../../shared/city/regions.ts';
import { smsLength } from '../../shared/platform/sms-text.ts';

/** The configured city (15.71 in the tests) and the kelurahan of the RT 1571011012-…, named by idn-area-data. */
const CITY = city().name;
const PLACE = placeOf('15.71.01.1012')!;
/** Another city's name, for the texts that take one. */
const MAGELANG = cityRegionsFromPackage('33.71').city.name;
const VERIFY_URL = 'https://api.example/verify/AbCdEfGhIjKlMnOpQrStUvWxYz0';

describe('maskName', () => {
  it.each([
    ['Siti Wulandari', 'S*** W***'],
    ['  Siti   Wulandari  ', 'S*** W***'],
    ['Siti', 'S***'],
    ['A', 'A***'],
    ['Muhammad Abdurrahman Alexander', 'M*** A*** A***'],
    ['Ñoño\tÇelik\nPutra', 'Ñ*** Ç*** P***'],
    ['王小明', '王***'],
    ['', '***'],
    ['   ', '***'],
  ])('masks %j as %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('is idempotent: a masked name stays the same', () => {
    expect(maskName(maskName('Siti Wulandari'))).toBe('S*** W***');
  });

  it('never shows more than the first character of each word, nor how long a word is', () => {
    const word = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((w) => /^\S+$/u.test(w));
    const name = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc
        .tuple(fc.array(word, { maxLength: 6 }), fc.constantFrom(' ', '  ', '\t', ' \n '))
        .map(([ws, sep]) => ` ${ws.join(sep)} `),
    );
    fc.assert(
      fc.property(name, (n) => {
        const words = n.trim().split(/\s+/).filter(Boolean);
        const initials = new Set(words.map((w) => Array.from(w)[0]));
        const out = maskName(n);
        for (const ch of out)
          expect(ch === '*' || ch === ' ' || initials.has(ch), `${n} → ${out}`).toBe(true);
        expect(out).toMatch(/^(\*\*\*|\S\*\*\*( \S\*\*\*)*)$/u);
        expect(out.split(' ')).toHaveLength(Math.max(1, words.length));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('attestation SMS', () => {
  const NAMES = [
    'Siti Wulandari',
    'Nurhayati',
    'Abdurrahman Wahid',
    'Muhammad Abdurrahman Alexander Wicaksono Pratama',
    'Ñoño Çelik',
    '王小明',
    '😀 Emoji',
    '“Curly” ‘quotes’',
    'A'.repeat(100),
    'Ø'.repeat(30),
    '',
    '{[Budi]}~|€^\\',
  ];
  const AT = '2026-11-23T20:00:00Z'; // 03:00 on the 24th in WIB

  function expectOneGsm7Sms(text: string) {
    expect(smsLength(text), text).toEqual({ encoding: 'GSM-7', units: expect.any(Number), parts: 1 });
    expect(smsLength(text).units, text).toBeLessThanOrEqual(160);
  }

  it('the issued SMS says coverage is active from the WIB date, paid by the city, and how to use it', () => {
    for (const name of NAMES) {
      const text = attestationIssuedSms({ name, at: AT });
      expectOneGsm7Sms(text);
      expect(text.startsWith(`${CITY}: `)).toBe(true);
      expect(text).toContain('JKN Anda AKTIF sejak 24-11-2026');
      expect(text).toContain('surat RT');
      expect(text).toContain('dibayar Pemkot (PBI APBD/Kartu Bahagia)');
      expect(text).toMatch(/bawa KTP ke puskesmas\/RS/i);
    }
  });

  it('greets by ASCII first name only, and says how to check status when it fits', () => {
    const text = attestationIssuedSms({ name: 'Siti Wulandari', at: AT });
    expect(text).toBe(
      `${CITY}: Yth. Siti, JKN Anda AKTIF sejak 24-11-2026 berkat surat RT, dibayar Pemkot (PBI APBD/Kartu Bahagia). Cek/berobat: bawa KTP ke puskesmas/RS.`,
    );
    expect(text).not.toContain('Wulandari');
    expect(attestationIssuedSms({ name: 'Ñoño Çelik', at: AT })).toContain('Yth. Nono,');
    expect(attestationIssuedSms({ name: 'Abdurrahmanwicaksono', at: AT })).toContain(
      'Yth. Abdurrahmanwicaksono,',
    );
    expect(attestationIssuedSms({ name: '王小明', at: AT })).toContain('Yth. Warga,');
  });

  it('the rejected SMS says Dinas Sosial did not approve the letter and coverage ends on the WIB date', () => {
    for (const name of NAMES) {
      const text = attestationRejectedSms({ name, at: AT });
      expectOneGsm7Sms(text);
      expect(text.startsWith(`${CITY}: `)).toBe(true);
      expect(text).toMatch(/surat RT Anda tidak disetujui Dinas Sosial/i);
      expect(text).toContain('JKN PBI APBD tidak aktif sejak 24-11-2026');
      expect(text).toContain('Hubungi Ketua RT/Dinas Sosial');
    }
    expect(attestationRejectedSms({ name: 'Siti Wulandari', at: AT })).toBe(
      `${CITY}: Yth. Siti, surat RT Anda tidak disetujui Dinas Sosial setelah dicek. JKN PBI APBD tidak aktif sejak 24-11-2026. Hubungi Ketua RT/Dinas Sosial.`,
    );
  });

  it('says the Pemkab pays in a kabupaten, the Pemkot in a kota', () => {
    const kabupaten = cityRegionsFromPackage('15.05').city.name;
    expect(kabupaten).toMatch(/^Kabupaten /);
    expect(attestationIssuedSms({ name: 'Siti', at: AT, city: kabupaten })).toContain('dibayar Pemkab');
    expect(attestationIssuedSms({ name: 'Siti', at: AT })).toContain('dibayar Pemkot');
  });

  it('both fit one GSM-7 SMS for any name, city and date', () => {
    const at = fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
    const name = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
    );
    const city = fc.option(fc.string({ unit: 'binary', maxLength: 80 }), { nil: undefined });
    fc.assert(
      fc.property(name, at, city, (n, a, c) => {
        const day = `${a.slice(0, 10)}`; // the WIB date is this day or the next
        for (const text of [
          attestationIssuedSms({ name: n, at: a, city: c }),
          attestationRejectedSms({ name: n, at: a, city: c }),
        ]) {
          expectOneGsm7Sms(text);
          const shown = /(\d{2})-(\d{2})-(\d{4})/.exec(text);
          expect(shown).not.toBeNull();
          const iso = `${shown![3]}-${shown![2]}-${shown![1]}`;
          expect(iso).toBe(new Date(Date.parse(a) + 7 * 3600_000).toISOString().slice(0, 10));
          expect(iso >= day).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('uses the given city, folded to GSM-7', () => {
    expect(attestationIssuedSms({ name: 'Siti', at: AT, city: 'Kota Tanjungpinang' })).toMatch(
      /^Kota Tanjungpinang: Yth\. Siti, /,
    );
    expect(attestationRejectedSms({ name: 'Siti', at: AT, city: MAGELANG })).toMatch(
      new RegExp(`^${MAGELANG}: `),
    );
    expect(attestationIssuedSms({ name: 'Siti', at: AT, city: 'Kabupaten\tTanjung Jabung Barat' })).toMatch(
      /^Kabupaten Tanjung Jabung: Yth\. Siti, /,
    );
    expect(attestationIssuedSms({ name: 'Siti', at: AT, city: '北京' })).toMatch(/^SehatKota: Yth\. Siti, /);
  });
});

describe('QR code SVG', () => {
  const isFinder = (get: (r: number, c: number) => number, top: number, left: number) => {
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 7; c++) {
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        const dark = ring !== 2; // 3x3 centre and the outer ring dark, the ring between light
        if (Boolean(get(top + r, left + c)) !== dark) return false;
      }
    }
    return true;
  };

  /** Paints the SVG path's runs back into a grid of the symbol's size. */
  const paint = (svg: string, size: number): Uint8Array => {
    const d = /<path [^>]*d="([^"]*)"/.exec(svg)?.[1] ?? '';
    const grid = new Uint8Array(size * size);
    for (const [, x, y, n, back] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
      expect(back).toBe(n);
      const row = Number(y) - QUIET_ZONE;
      for (let col = Number(x) - QUIET_ZONE; col < Number(x) - QUIET_ZONE + Number(n); col++) {
        expect(grid[row * size + col]).toBe(0);
        grid[row * size + col] = 1;
      }
    }
    expect(d.replace(/M\d+ \d+h\d+v1h-\d+z/g, '')).toBe('');
    return grid;
  };

  it('draws the symbol with a 4-module quiet zone, one path, crisp edges and a title', () => {
    const symbol = create(VERIFY_URL, { errorCorrectionLevel: 'M' });
    const { size } = symbol.modules;
    expect(symbol.errorCorrectionLevel.bit).toBe(0); // M
    expect(size).toBe(33); // version 4 holds the 54-byte URL at level M
    const svg = qrSvg(VERIFY_URL);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" /);
    expect(svg).toContain(`viewBox="0 0 ${size + 8} ${size + 8}"`);
    expect(svg).toContain('shape-rendering="crispEdges"');
    expect(svg).toContain(`<title>${VERIFY_URL}</title>`);
    expect(svg.match(/<path/g)).toHaveLength(1);
    expect(svg.endsWith('</svg>')).toBe(true);
    const get = (r: number, c: number) => symbol.modules.get(r, c);
    expect(isFinder(get, 0, 0)).toBe(true);
    expect(isFinder(get, 0, size - 7)).toBe(true);
    expect(isFinder(get, size - 7, 0)).toBe(true);
    expect(isFinder(get, size - 7, size - 7)).toBe(false);
  });

  it('the path paints exactly the dark modules, finder patterns in three corners', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }), (text) => {
        const { modules } = create(text, { errorCorrectionLevel: 'M' });
        const svg = qrSvg(text);
        const total = modules.size + 2 * QUIET_ZONE;
        expect(svg).toContain(`viewBox="0 0 ${total} ${total}"`);
        const grid = paint(svg, modules.size);
        expect(grid).toEqual(Uint8Array.from(modules.data, (v) => (v ? 1 : 0)));
        const get = (r: number, c: number) => grid[r * modules.size + c]!;
        expect(
          isFinder(get, 0, 0) && isFinder(get, 0, modules.size - 7) && isFinder(get, modules.size - 7, 0),
        ).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('different texts give different paths; the title is escaped', () => {
    const path = (t: string) => /d="([^"]*)"/.exec(qrSvg(t))?.[1];
    expect(path(`${VERIFY_URL}`)).not.toBe(path(VERIFY_URL.replace('0', '1')));
    expect(path('a')).not.toBe(path('b'));
    expect(path(VERIFY_URL)).toBe(path(VERIFY_URL));
    const svg = qrSvg('x', { title: '<script>"&' });
    expect(svg).toContain('<title>&lt;script&gt;&quot;&amp;</title>');
    expect(svg).not.toContain('<script');
  });
});

describe('the printable letter', () => {
  const input = (over: Partial<LetterInput['resident']> = {}, a: Partial<LetterInput['attestation']> = {}) =>
    ({
      city: { ...city(), cardName: 'Kartu Bahagia' },
      attestation: {
        id: '01JD2Q7Z8X9Y0A1B2C3D4E5F6G',
        issuedAt: '2026-11-22T18:30:00.000Z', // 01:30 on the 23rd in WIB
        reason: 'Berobat ke puskesmas karena demam tinggi. ',
        facility: 'Puskesmas Contoh',
        status: 'PENDING_REVIEW',
        ...a,
      },
      resident: {
        nik: '1571015506900002',
        name: 'Siti Wulandari',
        birthDate: '1990-06-15',
        sex: 'F',
        kk: '1571010101900001',
        ...over,
      },
      rt: {
        code: '1571011012-003-012',
        kelurahan: PLACE.kelurahan.name,
        kecamatan: PLACE.kecamatan.name,
        chairName: 'Budi',
      },
      chair: { sub: 'chair-sub-1' },
      verifyUrl: VERIFY_URL,
    }) satisfies LetterInput;

  it('is a complete A5 document with heading, number, resident, dates, QR code and status', () => {
    const html = renderLetter(input());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="id">');
    expect(html).toContain('@page { size: A5; margin: 12mm }');
    expect(html).toContain(`PEMERINTAH ${CITY.toUpperCase()}`);
    expect(html).toContain(`KECAMATAN ${PLACE.kecamatan.name.toUpperCase()}`);
    expect(html).toContain(`KELURAHAN ${PLACE.kelurahan.name.toUpperCase()}`);
    expect(html).toContain('(PBI APBD / Kartu Bahagia)');
    expect(html).toContain('RUKUN TETANGGA 012 / RUKUN WARGA 003');
    expect(html).toContain('SURAT KETERANGAN');
    expect(html).toContain('Nomor: 01JD2Q7Z8X9Y0A1B2C3D4E5F6G');
    expect(html).toContain('<b>Siti Wulandari</b>');
    expect(html).toContain('1571015506900002');
    expect(html).toContain('1571010101900001');
    expect(html).toContain('15 Juni 1990');
    expect(html).toContain('Perempuan');
    expect(html).toContain('kurang mampu yang membutuhkan pelayanan kesehatan');
    expect(html).toContain(
      'Keperluan: Berobat ke puskesmas karena demam tinggi. Fasilitas kesehatan yang dituju: Puskesmas Contoh.',
    );
    expect(html).toContain('Berlaku sejak 23 November 2026 — JKN PBI APBD aktif');
    expect(html).toContain(`${CITY.replace(/^Kota /, '')}, 23 November 2026`);
    expect(html).toContain('Ketua RT 012');
    expect(html).toContain('Budi');
    expect(html).toContain('Pindai untuk memeriksa keaslian surat');
    expect(html).toContain(`<div class="url">${VERIFY_URL}</div>`);
    expect(html).toContain(qrSvg(VERIFY_URL, { title: 'Kode QR verifikasi surat keterangan' }));
    expect(html).toContain('Menunggu verifikasi Dinas Sosial');
    expect(html.match(/<svg/g)).toHaveLength(1);
    expect(html).toContain('<body>');
  });

  it('sets a long reason in a smaller type so the letter stays one A5 page', () => {
    expect(renderLetter(input({}, { reason: 'x'.repeat(200) }))).toContain('<body class="dense">');
    expect(renderLetter(input({}, { reason: 'x'.repeat(500) }))).toContain('<body class="denser">');
  });

  it('is self-contained and has no script', () => {
    const html = renderLetter(input());
    expect(html).not.toMatch(/<script|onclick|\son\w+=|javascript:/i);
    expect(html).not.toMatch(/<link|@import|url\(|src=|@font-face/i);
  });

  it('shows the review status, the sex, and leaves out what is not given', () => {
    expect(renderLetter(input({}, { status: 'APPROVED' }))).toContain('Disetujui');
    expect(renderLetter(input({}, { status: 'REJECTED' }))).toContain('Ditolak');
    expect(renderLetter(input({ sex: 'M' }))).toContain('Laki-laki');
    const bare = renderLetter({
      ...input({ kk: undefined }, { facility: undefined }),
      city: city(),
      rt: { code: '1571011012-003-012', kelurahan: PLACE.kelurahan.name },
    });
    expect(bare).not.toContain('Nomor KK');
    expect(bare).not.toContain('Fasilitas kesehatan');
    expect(bare).not.toContain('KECAMATAN');
    // A city without a local name for its PBI APBD card prints the scheme alone.
    expect(bare).toContain('(PBI APBD).');
    expect(bare).toContain('(..................................)');
  });

  it('escapes every interpolated string', () => {
    const evil = '<script>alert("x")</script>';
    const html = renderLetter({
      ...input({ name: `Siti ${evil}`, kk: evil }, { reason: evil, facility: evil, id: `"><img src=x>` }),
      city: { name: `Kota ${evil}`, code: evil },
      rt: { code: '1571011012-003-012', kelurahan: evil, kecamatan: evil, chairName: evil },
      chair: { sub: evil },
      verifyUrl: `https://api.example/verify/x?a=1&b=${evil}`,
    });
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('Siti &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('https://api.example/verify/x?a=1&amp;b=&lt;script&gt;');
    expect(html).toContain('Nomor: &quot;&gt;&lt;img src=x&gt;');
  });

  it('refuses an RT code it cannot read', () => {
    expect(() => renderLetter({ ...input(), rt: { code: 'RT 12', kelurahan: 'X' } })).toThrow(/RT code/);
  });
});

describe('the verify page', () => {
  const NIK = /\d{16}/;

  it('shows a genuine letter: status, WIB date, RT and masked name', () => {
    const html = renderVerifyPage({
      valid: true,
      status: 'PENDING_REVIEW',
      issuedAt: '2026-11-22T18:30:00.000Z',
      rt: '1571011012-003-012',
      name: 'S*** W***',
    });
    expect(html).toContain('<html lang="id">');
    expect(html).toContain('name="viewport"');
    expect(html).toContain('Surat keterangan ASLI');
    expect(html).toContain('Menunggu verifikasi Dinas Sosial');
    expect(html).toContain('23 November 2026 (WIB)');
    expect(html).toContain(
      `RT 012 / RW 003, Kelurahan ${PLACE.kelurahan.name}, Kecamatan ${PLACE.kecamatan.name}, ${CITY}`,
    );
    expect(html).toContain('S*** W***');
    expect(html).not.toMatch(NIK);
    expect(html).not.toMatch(/<script|\son\w+=|<link|src=/i);
    expect(renderVerifyPage({ valid: true, status: 'APPROVED', issuedAt: '', rt: 'x', name: 'x' })).toContain(
      'Disetujui',
    );
    expect(renderVerifyPage({ valid: true, status: 'REJECTED', issuedAt: '', rt: 'x', name: 'x' })).toContain(
      'Ditolak',
    );
  });

  it('says when a letter is not found', () => {
    const html = renderVerifyPage({ valid: false });
    expect(html).toContain('Surat tidak ditemukan');
    expect(html).not.toContain('ASLI');
    expect(html).not.toMatch(NIK);
    expect(html).not.toMatch(/<script/i);
  });

  it('escapes its input and never shows a 16-digit number, whatever it is given', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('<script>alert(1)</script>', '1571015506900002', 'S*** 15710155069000021234', '"&\''),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('PENDING_REVIEW', 'APPROVED', 'REJECTED' as const),
        text,
        text,
        text,
        (status, issuedAt, rt, name) => {
          const html = renderVerifyPage({ valid: true, status, issuedAt, rt, name });
          expect(html).not.toMatch(NIK);
          expect(html).not.toMatch(/<script/i);
          expect(html).toContain(escapeHtml(name.replace(/\d{16,}/g, (r) => '*'.repeat(r.length))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('HTML helpers', () => {
  it('escapeHtml escapes the five characters that matter', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('tanggalWib writes the WIB date with Indonesian month names', () => {
    expect(tanggalWib('2026-11-22T17:00:00Z')).toBe('23 November 2026');
    expect(tanggalWib('2026-11-22T16:59:59Z')).toBe('22 November 2026');
    expect(tanggalWib('1990-06-15')).toBe('15 Juni 1990');
    expect(tanggalWib('2000-02-29')).toBe('29 Februari 2000');
    expect(tanggalWib('not a date')).toBe('not a date');
  });
});
