// The campaigns a city starts with (seeded in local mode; in AWS the city posts them to /campaigns):
// CKG on the birthday, infant immunisation at the age milestones, the monthly elderly posyandu (a broadcast
// repeated monthly), and an example broadcast to one RT.
import { rtShortLabel } from '#shared/city/regions.ts';
import type { CampaignInput } from './schemas.ts';

/** Days from birth to the immunisation milestones of 1, 2, 3, 4, 9 and 18 months. */
const MONTHS = [1, 2, 3, 4, 9, 18].map((m) => Math.round(m * 30.4375));

/** `exampleRt`: the RT the example broadcast goes to (a demo RT of the configured city). */
export function seededCampaigns(broadcastDate: string, exampleRt: string): CampaignInput[] {
  const rt = rtShortLabel(exampleRt).replace(' / ', '/');
  return [
    {
      id: 'ckg-ulang-tahun',
      name: 'Cek Kesehatan Gratis di hari ulang tahun',
      kind: 'BIRTHDAY',
      offsetsDays: [-30, -7, -1, 0],
      audience: { ageBands: [{ min: 0, max: 6 }, { min: 18 }] },
      skipCheckedThisYear: true,
      template:
        'Halo {name}, ultah Anda {date}. Ayo Cek Kesehatan Gratis di {puskesmas}, bawa KTP. Balas STOP utk berhenti.',
      sendHourWib: 8,
      active: true,
    },
    {
      id: 'imunisasi-bayi',
      name: 'Imunisasi dasar bayi (1, 2, 3, 4, 9 dan 18 bulan)',
      kind: 'DATE_FIELD',
      dateField: 'birthDate',
      offsetsDays: MONTHS,
      audience: { ageMax: 2 },
      template:
        'Bunda, {name} waktunya imunisasi mulai {date} di posyandu atau {puskesmas}. Balas STOP utk berhenti.',
      sendHourWib: 9,
      active: true,
    },
    {
      id: 'posyandu-lansia',
      name: 'Posyandu lansia bulanan (60+)',
      kind: 'BROADCAST',
      // The posyandu day of every month, from the first one.
      date: broadcastDate,
      repeat: 'MONTHLY',
      offsetsDays: [-1, 0],
      audience: { ageMin: 60 },
      template:
        'Bapak/Ibu {name}, posyandu lansia {date} di {puskesmas}. Cek tensi & gula darah gratis. Balas STOP utk berhenti.',
      sendHourWib: 8,
      active: true,
    },
    {
      id: 'ckg-rt-minggu',
      name: `Cek kesehatan gratis di ${rt} hari Minggu (contoh)`,
      kind: 'BROADCAST',
      date: broadcastDate,
      offsetsDays: [-1, 0],
      audience: { area: exampleRt },
      template: `Warga ${rt}: cek kesehatan gratis hari Minggu {date} pukul 08.00 di balai RT. Bawa KTP. Info: {puskesmas}.`,
      sendHourWib: 16,
      active: true,
    },
  ];
}
