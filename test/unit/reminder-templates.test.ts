// Reminder templates and campaigns without I/O: the worst-case length check that keeps every reminder one
// GSM-7 SMS, rendering, and the seeded campaigns (each valid, each within one SMS).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { demoRts } from '../../infra/local/demo-data.ts';
import { fitsOneSms } from '../../shared/platform/sms-text.ts';
import { campaignSchema } from '../../shared/reminder/schemas.ts';
import { seededCampaigns } from '../../shared/reminder/seeded.ts';
import { checkTemplate, PLACEHOLDERS, render, tanggal } from '../../shared/reminder/templates.ts';

describe('a template', () => {
  it('is measured at its worst: each placeholder at its longest', () => {
    const t = 'Halo {name}, CKG {date} di {puskesmas}.';
    expect(checkTemplate(t)).toEqual({
      ok: true,
      worstCaseLength: t.length - '{name}{date}{puskesmas}'.length + 20 + 11 + 40,
    });
  });

  it('is refused when its worst case is over 160, with that length', () => {
    const t = `${'x'.repeat(100)} {name} {puskesmas}`;
    expect(checkTemplate(t)).toEqual({
      ok: false,
      worstCaseLength: 162,
      message: 'can render 162 characters in the worst case; one SMS holds 160',
    });
    expect(checkTemplate(`${'x'.repeat(98)} {name} {puskesmas}`).ok).toBe(true);
  });

  it('counts GSM-7 extension characters twice, and refuses characters outside GSM-7 and unknown placeholders', () => {
    expect(checkTemplate('€'.repeat(80))).toMatchObject({ ok: true, worstCaseLength: 160 });
    expect(checkTemplate('€'.repeat(81))).toMatchObject({ ok: false, worstCaseLength: 162 });
    expect(checkTemplate('Selamat ulang tahun 🎉 {name}')).toMatchObject({ ok: false });
    expect((checkTemplate('Selamat ulang tahun 🎉') as { message: string }).message).toContain('🎉');
    expect((checkTemplate('Halo {nama}') as { message: string }).message).toContain('{nama}');
  });

  it('renders within its worst case for any name and puskesmas', () => {
    const t = 'Halo {name}, ulang tahun Anda {date}. Ayo CKG di {puskesmas}.';
    const worst = (checkTemplate(t) as { worstCaseLength: number }).worstCaseLength;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120, unit: 'grapheme' }),
        fc.string({ maxLength: 80, unit: 'grapheme' }),
        (name, puskesmas) => {
          const text = render(t, { name, date: '2026-12-31', puskesmas });
          expect(fitsOneSms(text)).toBe(true);
          expect(text.length).toBeLessThanOrEqual(worst);
        },
      ),
    );
  });

  it('shows the first name, the date in Indonesian, and the puskesmas', () => {
    expect(
      render('Halo {name}, {date} di {puskesmas}.', {
        name: 'Siti Aminah',
        date: '2026-12-03',
        puskesmas: 'Puskesmas Contoh',
      }),
    ).toBe('Halo Siti, 3 Des 2026 di Puskesmas Contoh.');
    expect(tanggal('2027-05-21')).toBe('21 Mei 2027');
    expect(
      Math.max(
        ...Array.from({ length: 12 }, (_, m) => tanggal(`2026-${String(m + 1).padStart(2, '0')}-28`).length),
      ),
    ).toBe(PLACEHOLDERS.date);
  });
});

describe('the seeded campaigns', () => {
  it('are valid campaigns whose every reminder is one SMS', () => {
    const rt = demoRts(1)[0]!.rt;
    const campaigns = seededCampaigns('2026-11-29', rt);
    expect(campaigns.map((c) => c.id)).toEqual([
      'ckg-ulang-tahun',
      'imunisasi-bayi',
      'posyandu-lansia',
      'ckg-rt-minggu',
    ]);
    for (const c of campaigns) {
      expect(z.safeParse(campaignSchema, c).success, c.id).toBe(true);
      expect(checkTemplate(c.template).ok, c.id).toBe(true);
    }
    expect(campaigns[0]).toMatchObject({
      kind: 'BIRTHDAY',
      offsetsDays: [-30, -7, -1, 0],
      audience: { ageBands: [{ min: 0, max: 6 }, { min: 18 }] },
    });
    expect(campaigns[1]!.offsetsDays).toEqual([30, 61, 91, 122, 274, 548]);
  });
});
