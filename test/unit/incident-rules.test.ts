// The 112 call centre's written rules, without I/O: triage, the kind of unit each type needs, nearest-first
// ordering, the lifecycle's moves, the unit's SMS (always one GSM-7 message, whatever the address), and the
// statistics' percentiles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gsm7, unitSmsText } from '../../shared/incident/alerts.ts';
import { allowedMoves, distanceM, KIND_FOR, nearestFirst, triage } from '../../shared/incident/rules.ts';
import type { Incident } from '../../shared/incident/schemas.ts';
import { incidentStats } from '../../shared/incident/stats.ts';
import { fitsOneSms } from '../../shared/platform/sms-text.ts';

describe('triage', () => {
  it.each([
    ['FIRE', 'Asap dari dapur', 'P1', 'FIRE'],
    ['DISASTER', 'Banjir setinggi pinggang', 'P1', 'DISASTER'],
    ['MEDICAL', 'Nenek pingsan di pasar', 'P1', 'UNCONSCIOUS'],
    ['MEDICAL', 'Pasien tidak sadarkan diri', 'P1', 'UNCONSCIOUS'],
    ['ACCIDENT', 'Korban tidak bernapas', 'P1', 'NOT_BREATHING'],
    ['MEDICAL', 'Bayi tidak bernafas', 'P1', 'NOT_BREATHING'],
    ['CRIME', 'Korban penusukan, perdarahan hebat', 'P1', 'HEAVY_BLEEDING'],
    ['MEDICAL', 'Patient unconscious and not breathing', 'P1', 'UNCONSCIOUS'],
    ['MEDICAL', 'Demam tinggi tiga hari', 'P2', 'MEDICAL'],
    ['ACCIDENT', 'Motor jatuh, luka lecet', 'P2', 'ACCIDENT'],
    ['CRIME', 'Pencurian motor', 'P2', 'CRIME'],
    ['OTHER', 'Kucing di atas pohon', 'P3', 'OTHER'],
  ] as const)('%s "%s" → %s (%s)', (type, description, priority, rule) => {
    expect(triage(type, description)).toEqual({ priority, rule });
  });

  it('takes the operator’s priority when given, whatever the words', () => {
    expect(triage('OTHER', 'pingsan', 'P2')).toEqual({ priority: 'P2', rule: 'OPERATOR' });
  });

  it('does not read "sadar" alone as unconscious', () => {
    expect(triage('MEDICAL', 'Pasien sadar dan bisa bicara').priority).toBe('P2');
  });

  it('sends the kind each type needs', () => {
    expect(KIND_FOR).toEqual({
      MEDICAL: 'AMBULANCE',
      ACCIDENT: 'AMBULANCE',
      FIRE: 'FIRE',
      DISASTER: 'RESCUE',
      CRIME: 'POLICE',
      OTHER: 'RESCUE',
    });
  });
});

describe('distance and the nearest unit', () => {
  it('measures a degree of latitude as about 111 km', () => {
    expect(distanceM({ lat: 0, lon: 103 }, { lat: 1, lon: 103 })).toBeGreaterThan(111_000);
    expect(distanceM({ lat: 0, lon: 103 }, { lat: 1, lon: 103 })).toBeLessThan(111_400);
    expect(distanceM({ lat: -1.61, lon: 103.61 }, { lat: -1.61, lon: 103.61 })).toBe(0);
  });

  it('orders units nearest first, ties by id, for any set of positions', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            lat: fc.double({ min: -1.7, max: -1.5, noNaN: true }),
            lon: fc.double({ min: 103.5, max: 103.7, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (points) => {
          const to = { lat: -1.61, lon: 103.61 };
          const units = points.map((location, i) => ({ id: `U${String(i).padStart(2, '0')}`, location }));
          const ranked = nearestFirst(units, to);
          expect(ranked).toHaveLength(units.length);
          for (let i = 1; i < ranked.length; i++) {
            const [a, b] = [ranked[i - 1]!, ranked[i]!];
            expect(a.distanceM < b.distanceM || (a.distanceM === b.distanceM && a.id < b.id)).toBe(true);
          }
          expect(ranked[0]!.distanceM).toBe(Math.min(...units.map((u) => distanceM(u.location, to))));
        },
      ),
    );
  });
});

describe('the lifecycle', () => {
  it('allows only the next step, or cancelling while open', () => {
    expect(allowedMoves('RECEIVED')).toEqual(['CANCELLED']);
    expect(allowedMoves('DISPATCHED')).toEqual(['CANCELLED']);
    expect(allowedMoves('ACKNOWLEDGED')).toEqual(['EN_ROUTE', 'CANCELLED']);
    expect(allowedMoves('EN_ROUTE')).toEqual(['ON_SCENE', 'CANCELLED']);
    expect(allowedMoves('ON_SCENE')).toEqual(['TRANSPORTING', 'RESOLVED', 'CANCELLED']);
    expect(allowedMoves('TRANSPORTING')).toEqual(['AT_FACILITY', 'CANCELLED']);
    expect(allowedMoves('AT_FACILITY')).toEqual(['RESOLVED', 'CANCELLED']);
    expect(allowedMoves('RESOLVED')).toEqual([]);
    expect(allowedMoves('CANCELLED')).toEqual([]);
  });
});

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: '0mhx2k3x1-9f0c2d4e8a1b',
  number: '112-2026-000123',
  type: 'MEDICAL',
  priority: 'P1',
  triage: 'UNCONSCIOUS',
  description: 'x',
  location: { lat: -1.610123, lon: 103.613456, address: 'Jl. Kapten Pattimura No. 12' },
  callerPhone: '+6281234567890',
  status: 'DISPATCHED',
  reportedAt: '2026-11-23T03:00:00.000Z',
  reportedBy: 'op',
  reports: 1,
  assignments: 1,
  misses: 0,
  linkBase: 'https://abcdefghij.execute-api.ap-southeast-3.amazonaws.com',
  version: 1,
  ...over,
});
const LINK = 'https://abcdefghij.execute-api.ap-southeast-3.amazonaws.com/a/AbCdEfGhIjKl';

describe("the unit's SMS", () => {
  it('says priority, type, number, place, coverage and the link in one GSM-7 SMS', () => {
    const text = unitSmsText(incident({ patientCoverage: { status: 'ACTIVE', scheme: 'PBI_APBD' } }), LINK);
    expect(text).toBe(`P1 MEDIS 112-2026-000123 Jl. Kapten Pattimura No. 12. JKN AKTIF. Terima: ${LINK}`);
    expect(fitsOneSms(text)).toBe(true);
  });

  it('shortens any address, in any script, to keep one SMS and the whole link', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'grapheme' }), (address) => {
        const text = unitSmsText(
          incident({
            location: { lat: -1.6, lon: 103.6, address },
            patientCoverage: { status: 'NOT_REGISTERED' },
          }),
          LINK,
        );
        expect(fitsOneSms(text)).toBe(true);
        expect(text.endsWith(`Terima: ${LINK}`)).toBe(true);
        expect(text.startsWith('P1 MEDIS 112-2026-000123')).toBe(true);
      }),
    );
  });

  it('gives coordinates when there is no address, and drops accents rather than switching to UCS-2', () => {
    expect(unitSmsText(incident({ location: { lat: -1.61, lon: 103.61 } }), LINK)).toContain(
      '-1.61000,103.61000',
    );
    expect(gsm7('Jl. Sultan Thaha – Pasar “Angso Duo” ñ é ő')).toBe('Jl. Sultan Thaha Pasar Angso Duo ñ é o');
  });
});

describe('statistics', () => {
  it('counts, and gives median and p90 of each interval in seconds', () => {
    const at = (s: number) => new Date(Date.parse('2026-11-23T00:00:00Z') + s * 1000).toISOString();
    const rows = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((d, i) =>
      incident({
        id: `i${i}`,
        type: i < 3 ? 'FIRE' : 'MEDICAL',
        priority: i < 5 ? 'P1' : 'P2',
        reportedAt: at(0),
        dispatchedAt: at(d),
        ...(i % 2 === 0 ? { acknowledgedAt: at(d + 30) } : {}),
        // Two on scene: 60 s and 120 s after their acknowledgement.
        ...(i === 0 ? { onSceneAt: at(d + 90) } : i === 2 ? { onSceneAt: at(d + 150) } : {}),
      }),
    );
    rows.push(incident({ id: 'waiting', status: 'RECEIVED', reportedAt: at(0) }));
    const s = incidentStats(rows);
    expect(s.total).toBe(11);
    expect(s.byType).toEqual({ FIRE: 3, MEDICAL: 8 });
    expect(s.byPriority).toEqual({ P1: 6, P2: 5 });
    expect(s.reportToDispatch).toEqual({ count: 10, medianS: 50, p90S: 90 });
    expect(s.dispatchToAck).toEqual({ count: 5, medianS: 30, p90S: 30 });
    expect(s.ackToOnScene).toEqual({ count: 2, medianS: 60, p90S: 120 });
    expect(s.dispatchToOnScene).toEqual({ count: 2, medianS: 90, p90S: 150 });
  });
});
