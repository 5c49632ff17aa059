import { UsageError } from './io';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

// Dates need a zone: "2026-01-01T10:00" alone would silently mean the machine's local time.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads a time option as epoch seconds. Accepts epoch seconds (`1767290400`), ISO 8601 with a
 * zone or a bare date (`2026-01-01T18:00:00Z`, `2026-01-01T19:00+01:00`, `2026-01-01` = UTC
 * midnight), or a duration from `now` (`90s`, `15m`, `2h`, `7d`, combined as `1h30m`).
 * Throws UsageError naming `option` for anything else.
 */
export function parseTime(text: string, now: number, option = 'time'): number {
  const value = typeof text === 'string' ? text.trim() : '';
  const fail = (why: string): never => {
    throw new UsageError(
      `${option} "${value.slice(0, 40)}" ${why}: use epoch seconds, ISO 8601 (2026-01-01T18:00:00Z) or a duration (90s, 15m, 2h, 7d)`,
    );
  };
  if (value === '') return fail('is empty');
  if (/^\d+$/.test(value)) {
    // 13 digits is almost certainly milliseconds (Date.now()), which CloudFront would read as year 50000+.
    if (value.length > 11) return fail('looks like milliseconds, not seconds');
    return Number(value);
  }
  if (/^(\d+[smhd])+$/.test(value)) {
    let seconds = 0;
    for (const [, n, unit] of value.matchAll(/(\d+)([smhd])/g)) seconds += Number(n) * UNIT_SECONDS[unit!]!;
    if (!Number.isSafeInteger(seconds) || seconds > 100 * 365 * 86400) return fail('is too long');
    return now + seconds;
  }
  const m = ISO.exec(value);
  if (m) {
    if (m[4] !== undefined && m[7] === undefined) return fail('has no time zone (add Z or +01:00)');
    const [month, day, hour, minute, second] = [m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(
      Number,
    ) as [number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
      return fail('is not a valid date');
    const ms = Date.parse(m[4] === undefined ? `${value}T00:00:00Z` : value.replace(' ', 'T'));
    if (Number.isNaN(ms)) return fail('is not a valid date');
    // Date.parse rolls 2026-02-31 over to March: refuse dates that do not exist.
    const check = new Date(Date.UTC(Number(m[1]), month - 1, day));
    if (check.getUTCDate() !== day) return fail('is not a valid date');
    if (ms < 0) return fail('is before 1970');
    return Math.floor(ms / 1000);
  }
  return fail('is not a time');
}
