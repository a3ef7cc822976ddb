// The kader's SMS, in Bahasa Indonesia, one GSM-7 message: the month's incentive paid. No NIK.
import { gsm7 } from '#shared/incident/alerts.ts';
import { fitsOneSms } from '#shared/platform/sms-text.ts';
import { BULAN_SINGKAT as BULAN } from '#shared/platform/wib.ts';

/** Rp 300.000 — rupiah written the Indonesian way. */
export const rupiah = (n: number) => `Rp ${n.toLocaleString('id-ID')}`;

export function incentivePaidSms(p: {
  name: string;
  month: string;
  amount: number;
  activities: number;
}): string {
  const first = gsm7(p.name.trim().split(/\s+/)[0] ?? '').slice(0, 15) || 'Kader';
  const when = `${BULAN[Number(p.month.slice(5, 7)) - 1]} ${p.month.slice(0, 4)}`;
  const long = gsm7(
    `Yth. ${first}, insentif kader ${when} ${rupiah(p.amount)} dibayarkan (${p.activities} kegiatan). Terima kasih atas pengabdian Anda.`,
  );
  return fitsOneSms(long)
    ? long
    : gsm7(`Insentif kader ${when} ${rupiah(p.amount)} dibayarkan. Terima kasih.`);
}
