import fc from 'fast-check';
import { UsageError } from '../../src/cli/io';
import { parseTime } from '../../src/cli/time';

const NOW = 1_800_000_000;

describe('parseTime', () => {
  it.each([
    ['1767290400', 1767290400],
    ['2026-01-01T18:00:00Z', 1767290400],
    ['2026-01-01T19:00:00+01:00', 1767290400],
    ['2026-01-01T19:00+0100', 1767290400],
    ['2026-01-01T18:00:00.999Z', 1767290400],
    ['2026-01-01', 1767225600],
    ['90s', NOW + 90],
    ['15m', NOW + 900],
    ['2h', NOW + 7200],
    ['7d', NOW + 604800],
    ['1h30m', NOW + 5400],
    [' 2h ', NOW + 7200],
  ])('%s → %d', (text, expected) => {
    expect(parseTime(text, NOW, '--expires')).toBe(expected);
  });

  it.each([
    ['', /is empty/],
    ['soon', /is not a time/],
    ['1767290400000', /looks like milliseconds/],
    ['2026-01-01T18:00', /has no time zone/],
    ['2026-02-30', /is not a valid date/],
    ['2026-13-01', /is not a valid date/],
    ['-5m', /is not a time/],
    ['2h ago', /is not a time/],
  ])('%j is a usage error naming the option (%s)', (text, pattern) => {
    expect(() => parseTime(text, NOW, '--not-before')).toThrow(UsageError);
    expect(() => parseTime(text, NOW, '--not-before')).toThrow(pattern);
    expect(() => parseTime(text, NOW, '--not-before')).toThrow(/^--not-before /);
  });

  it('durations add to now', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(['s', 1], ['m', 60], ['h', 3600], ['d', 86400]),
        (n, [unit, size]) => {
          expect(parseTime(`${n}${unit}`, NOW)).toBe(NOW + n * (size as number));
        },
      ),
    );
  });

  it('returns whole epoch seconds or throws UsageError for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        (text) => {
          try {
            expect(Number.isSafeInteger(parseTime(text, NOW))).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
