// Jemput Sakit Antar Sehat's pure rules: the WIB slot a pickup falls in (boundaries, slot lengths, offsets in the
// input), the pickup window (future, at most 90 days), and which ambulances a slot may take, in which order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateUnits, checkPickup, isNearSlot, slotOf } from '../../shared/homecare/trips.ts';
import type { Unit } from '../../shared/incident/schemas.ts';
import { ValidationError } from '../../shared/platform/errors.ts';

const WIB = 7 * 3600_000;

describe('slotOf', () => {
  it('gives the start of the WIB slot a pickup falls in, as ISO UTC', () => {
    expect(slotOf('2026-12-10T08:30:00+07:00', 120)).toBe('2026-12-10T01:00:00.000Z');
    expect(slotOf('2026-12-10T09:59:59.999+07:00', 120)).toBe('2026-12-10T01:00:00.000Z');
    expect(slotOf('2026-12-10T10:00:00+07:00', 120)).toBe('2026-12-10T03:00:00.000Z');
  });

  it('puts a pickup at exactly a boundary in the slot that begins there', () => {
    expect(slotOf('2026-12-10T08:00:00+07:00', 120)).toBe('2026-12-10T01:00:00.000Z');
    expect(slotOf('2026-12-10T00:00:00+07:00', 120)).toBe('2026-12-09T17:00:00.000Z');
    expect(slotOf('2026-12-10T01:30:00+07:00', 90)).toBe('2026-12-09T18:30:00.000Z');
    expect(slotOf('2026-12-10T04:00:00+07:00', 240)).toBe('2026-12-09T21:00:00.000Z');
  });

  it('cuts the day from 00:00 WIB, not UTC: the first slot of a WIB day begins at 17:00 UTC the day before', () => {
    // 06:59 WIB is 23:59 UTC the day before, yet in the WIB day's 06:00–08:00 slot.
    expect(slotOf('2026-12-09T23:59:00Z', 120)).toBe('2026-12-09T23:00:00.000Z');
    expect(slotOf('2026-12-09T17:00:00Z', 120)).toBe('2026-12-09T17:00:00.000Z');
    expect(slotOf('2026-12-09T16:59:59Z', 120)).toBe('2026-12-09T15:00:00.000Z');
  });

  it.each([
    [90, '2026-12-10T08:30:00+07:00', '2026-12-10T00:30:00.000Z'], // 07:30–09:00 WIB
    [90, '2026-12-10T09:00:00+07:00', '2026-12-10T02:00:00.000Z'], // 09:00–10:30 WIB
    [90, '2026-12-10T23:59:00+07:00', '2026-12-10T15:30:00.000Z'], // 22:30–24:00 WIB
    [120, '2026-12-10T23:59:00+07:00', '2026-12-10T15:00:00.000Z'],
    [240, '2026-12-10T08:30:00+07:00', '2026-12-10T01:00:00.000Z'], // 08:00–12:00 WIB
    [240, '2026-12-10T07:59:00+07:00', '2026-12-09T21:00:00.000Z'], // 04:00–08:00 WIB
    [240, '2026-12-10T20:00:00+07:00', '2026-12-10T13:00:00.000Z'],
  ])('%i-minute slots: %s → %s', (minutes, pickup, slot) => {
    expect(slotOf(pickup, minutes)).toBe(slot);
  });

  it('reads the offset in the input: the same instant written three ways is one slot', () => {
    const ways = ['2026-12-10T08:30:00+07:00', '2026-12-10T01:30:00Z', '2026-12-10T10:30:00+09:00'];
    expect(new Set(ways.map((w) => slotOf(w, 120)))).toEqual(new Set(['2026-12-10T01:00:00.000Z']));
    // 08:30 in Jayapura (WIT, +09:00) is 06:30 WIB: the 06:00 WIB slot.
    expect(slotOf('2026-12-10T08:30:00+09:00', 120)).toBe('2026-12-09T23:00:00.000Z');
    // Minutes only, no seconds, as the schema allows.
    expect(slotOf('2026-12-10T08:30+07:00', 120)).toBe('2026-12-10T01:00:00.000Z');
  });

  it('holds for any instant and slot length: the slot starts on a WIB boundary, at or before the pickup', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2035-12-31T00:00:00Z') }),
        fc.constantFrom(30, 60, 90, 120, 180, 240),
        (ms, minutes) => {
          const slot = Date.parse(slotOf(new Date(ms).toISOString(), minutes));
          const step = minutes * 60_000;
          expect(slot).toBeLessThanOrEqual(ms);
          expect(ms - slot).toBeLessThan(step);
          // Minutes since 00:00 WIB are a whole number of slots.
          expect(((slot + WIB) % 86_400_000) % step).toBe(0);
        },
      ),
    );
  });
});

describe('checkPickup', () => {
  const now = '2026-12-01T00:00:00.000Z';

  it('takes a future time up to 90 days ahead, in UTC', () => {
    expect(checkPickup('2026-12-10T08:30:00+07:00', 'pickupAt', now)).toBe('2026-12-10T01:30:00.000Z');
    expect(checkPickup('2027-03-01T00:00:00Z', 'pickupAt', now)).toBe('2027-03-01T00:00:00.000Z');
  });

  it.each([
    ['2026-11-30T23:59:59Z', 'in the future'],
    ['2026-12-01T00:00:00Z', 'in the future'],
    ['2027-03-01T00:00:01Z', 'at most 90 days ahead'],
  ])('refuses %s, naming the field', (pickup, why) => {
    try {
      checkPickup(pickup, 'returnTrip.pickupAt', now);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const issue = (error as ValidationError).issues[0]!;
      expect(issue.path).toBe('returnTrip.pickupAt');
      expect(issue.message).toContain(why);
    }
  });
});

describe('candidateUnits', () => {
  const unit = (id: string, over: Partial<Unit> = {}): Unit => ({
    id,
    name: `Unit ${id}`,
    kind: 'AMBULANCE',
    phone: '+628120000000',
    location: { lat: -1.6, lon: 103.6 },
    kelurahan: '15.71.01.1001',
    status: 'AVAILABLE',
    statusAt: '2026-12-01T00:00:00.000Z',
    createdAt: '2026-12-01T00:00:00.000Z',
    ...over,
  });
  const now = '2026-12-10T01:30:00.000Z';
  const units = [
    unit('AMB-C', { location: { lat: -1.7, lon: 103.6 } }),
    unit('AMB-A', { location: { lat: -1.62, lon: 103.6 } }),
    unit('FIRE-1', { kind: 'FIRE', location: { lat: -1.6, lon: 103.6 } }),
    unit('AMB-OFF', { status: 'OFFLINE', location: { lat: -1.6, lon: 103.6 } }),
    unit('AMB-B', {
      status: 'BUSY',
      assignment: { incidentId: 'i-1', n: 1 },
      location: { lat: -1.61, lon: 103.6 },
    }),
  ];
  const ids = (us: Unit[]) => us.map((u) => u.id);

  it('never offers another kind or an OFFLINE unit; nearest first to the pickup', () => {
    const later = '2026-12-11T01:00:00.000Z';
    expect(ids(candidateUnits(units, later, now, 120, { lat: -1.6, lon: 103.6 }))).toEqual([
      'AMB-B',
      'AMB-A',
      'AMB-C',
    ]);
  });

  it('keeps a unit working an incident out of the slot now running and the next, not of later ones', () => {
    const running = '2026-12-10T01:00:00.000Z';
    const next = '2026-12-10T03:00:00.000Z';
    const after = '2026-12-10T05:00:00.000Z';
    const to = { lat: -1.6, lon: 103.6 };
    expect(isNearSlot(running, now, 120)).toBe(true);
    expect(ids(candidateUnits(units, running, now, 120, to))).toEqual(['AMB-A', 'AMB-C']);
    expect(ids(candidateUnits(units, next, now, 120, to))).toEqual(['AMB-A', 'AMB-C']);
    expect(isNearSlot(after, now, 120)).toBe(false);
    expect(ids(candidateUnits(units, after, now, 120, to))).toEqual(['AMB-B', 'AMB-A', 'AMB-C']);
  });

  it('orders by id without a place, and leaves out the unit named', () => {
    const later = '2026-12-11T01:00:00.000Z';
    expect(ids(candidateUnits(units, later, now, 120))).toEqual(['AMB-A', 'AMB-B', 'AMB-C']);
    expect(ids(candidateUnits(units, later, now, 120, undefined, 'AMB-A'))).toEqual(['AMB-B', 'AMB-C']);
  });
});
