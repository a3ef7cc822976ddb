// The homecare daily job's work for one WIB day: tomorrow's visits reminded (one SMS per visit, whatever the retries),
// and requests waiting too long reported to their puskesmas (once per puskesmas per day).
import { listPuskesmas } from '#shared/city/puskesmas.ts';
import { config } from '#shared/platform/config.ts';
import { logger } from '#shared/platform/logger.ts';
import { notifier } from '#shared/platform/notifier.ts';
import { doOnce, sendOnce } from '#shared/platform/once.ts';
import { dayWib } from '#shared/platform/wib.ts';
import { getResident } from '#shared/registry/repository.ts';
import { daysBetween } from './lifecycle.ts';
import { getRequest, listRequests, visitsOn } from './repository.ts';
import { visitReminderSms, waitingSms } from './texts.ts';

export interface HomecareDay {
  date: string;
  reminders: { visitsTomorrow: number; sent: number; alreadySent: number; noPhone: number; failed: number };
  waiting: {
    puskesmas: string;
    count: number;
    oldestDays: number;
    toldBy: 'SMS' | 'CITY_ADMINS' | 'ALREADY' | 'FAILED';
  }[];
}

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export async function runHomecareDay(date: string): Promise<HomecareDay> {
  const tomorrow = nextDay(date);
  const result: HomecareDay = {
    date,
    reminders: { visitsTomorrow: 0, sent: 0, alreadySent: 0, noPhone: 0, failed: 0 },
    waiting: [],
  };
  const visits = (await visitsOn(tomorrow)).filter((v) => v.status === 'SCHEDULED');
  result.reminders.visitsTomorrow = visits.length;
  for (const visit of visits) {
    try {
      const r = await getRequest(visit.requestId, false);
      // Only the visit the request still plans (a visit rescheduled since is not reminded).
      if (!r || r.nextVisit?.id !== visit.id) continue;
      const resident = await getResident(r.nik);
      if (!resident?.phone) {
        result.reminders.noPhone++;
        continue;
      }
      const sent = await sendOnce(`sms#homecare-reminder#${visit.id}`, {
        phone: resident.phone,
        text: visitReminderSms({ name: r.name, day: visit.date, puskesmas: r.puskesmas.name }),
        purpose: 'homecare-reminder',
      });
      if (sent) result.reminders.sent++;
      else result.reminders.alreadySent++;
    } catch (error) {
      result.reminders.failed++;
      logger.error('homecare reminder not sent', { visitId: visit.id, error: (error as Error).name });
    }
  }

  const maxDays = config().HOMECARE_MAX_WAIT_DAYS;
  const unphoned: HomecareDay['waiting'] = [];
  for (const p of await listPuskesmas()) {
    // Oldest first: the waiting ones are at the front; a page of 200 is far more than a puskesmas lets wait.
    const page = await listRequests({ puskesmas: p.code }, ['REQUESTED'], { limit: 200 });
    const late = page.requests.filter((r) => daysBetween(dayWib(r.requestedAt), date) > maxDays);
    if (!late.length) continue;
    const row: HomecareDay['waiting'][number] = {
      puskesmas: p.code,
      count: late.length,
      oldestDays: daysBetween(dayWib(late[0]!.requestedAt), date),
      toldBy: 'SMS',
    };
    result.waiting.push(row);
    if (!p.phone) {
      row.toldBy = 'CITY_ADMINS';
      unphoned.push(row);
      continue;
    }
    try {
      const sent = await sendOnce(`sms#homecare-waiting#${date}#${p.code}`, {
        phone: p.phone,
        text: waitingSms({ puskesmas: p.name, waiting: late.length, oldestDays: row.oldestDays, maxDays }),
        purpose: 'homecare-waiting',
      });
      if (!sent) row.toldBy = 'ALREADY';
    } catch (error) {
      row.toldBy = 'FAILED';
      logger.error('homecare waiting notice not sent', { puskesmas: p.code, error: (error as Error).name });
    }
  }
  if (unphoned.length) await tellCityAdmins(date, unphoned, maxDays);
  logger.info('homecare daily job', {
    date,
    ...result.reminders,
    puskesmasWithLateRequests: result.waiting.length,
  });
  return result;
}

/** The puskesmas without a phone: one message a day to the city's administrators, naming each. */
async function tellCityAdmins(date: string, rows: HomecareDay['waiting'], maxDays: number): Promise<void> {
  const told = await doOnce(`homecare-waiting#${date}#city_admins`, () =>
    notifier().notifyStaff({
      topic: 'city_admins',
      subject: `Homecare: permintaan menunggu lebih dari ${maxDays} hari (${date})`,
      text: [
        `Per ${date}, permintaan kunjungan rumah yang belum dijadwalkan setelah ${maxDays} hari:`,
        '',
        ...rows.map((r) => `- Puskesmas ${r.puskesmas}: ${r.count} permintaan, terlama ${r.oldestDays} hari`),
        '',
        'Puskesmas ini belum punya nomor telepon di SehatKota (PUT /puskesmas/{code} dengan phone).',
        'Daftar: GET /homecare/requests?status=REQUESTED&puskesmas=<code>',
      ].join('\n'),
    }),
  );
  if (!told) for (const r of rows) r.toldBy = 'ALREADY';
}
