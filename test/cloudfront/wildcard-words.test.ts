import fc from 'fast-check';
import { type MatchStats, matchResource } from '../../src/cloudfront/wildcard';

// The path matcher keeps one bit per prefix of the URL's path and query, 32 to a word. These tests
// put stars, `?`, `\?` and the query's `?` on both sides of word boundaries (prefixes 31/32,
// 63/64, 95/96), where the short cases of wildcard-hostile.test.ts never reach.

const HOST = 'https://h.example';

/**
 * The documented rules for path and query, as a memoised search: a non-final `*` matches a run of
 * the path or a run of the query but never the query's `?` (the first `?` of the URL); a final
 * `*` matches everything left; `?` matches any one character; `\?` only the query's `?`; any other
 * character only itself.
 */
function covers(tokens: string[], rest: string): boolean {
  const n = rest.length;
  const q = rest.includes('?') ? rest.indexOf('?') : n;
  const memo = new Map<number, boolean>();
  const go = (pi: number, ti: number): boolean => {
    const key = pi * (n + 1) + ti;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    const tok = tokens[pi];
    if (tok === undefined) result = ti === n;
    else if (tok === '*') {
      if (pi === tokens.length - 1) result = true;
      else {
        const end = ti > q ? n : q;
        result = false;
        for (let k = ti; k <= end && !result; k++) result = go(pi + 1, k);
      }
    } else if (ti === n) result = false;
    else if (tok === '?') result = go(pi + 1, ti + 1);
    else if (tok === '\\?') result = ti === q && go(pi + 1, ti + 1);
    else result = ti !== q && rest[ti] === tok && go(pi + 1, ti + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

const aroundWords = fc.oneof(
  fc.constantFrom(30, 31, 32, 33, 62, 63, 64, 65, 95, 96),
  fc.integer({ min: 1, max: 100 }),
);
const pathOf = (length: number) =>
  fc
    .array(fc.constantFrom('a', 'b', '/'), { minLength: length - 1, maxLength: length - 1 })
    .map((c) => `/${c.join('')}`);
const queryOf = (length: number) =>
  fc
    .array(fc.constantFrom('a', 'b', '=', '?'), { minLength: length, maxLength: length })
    .map((c) => c.join(''));
/** A URL's path and optional query with lengths around word boundaries. */
const rests = fc
  .tuple(aroundWords.chain(pathOf), fc.option(aroundWords.chain(queryOf), { freq: 2, nil: undefined }))
  .map(([path, query]) => (query === undefined ? path : `${path}?${query}`));

/** A resource written for `rest`: kept characters, `?`s, stars over runs, `\?` for the query's `?`. */
const resourceFor = (rest: string) =>
  fc
    .tuple(
      fc.array(fc.constantFrom('keep', 'keep', 'keep', 'one', 'star'), {
        minLength: rest.length,
        maxLength: rest.length,
      }),
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: rest.length, maxLength: rest.length }),
      fc.option(fc.tuple(fc.nat(), fc.constantFrom('a', 'b', '/', '?', '*', '\\?', '')), {
        freq: 2,
        nil: undefined,
      }),
    )
    .map(([how, runs, change]) => {
      const tokens: string[] = ['/'];
      const q = rest.indexOf('?');
      for (let i = 1; i < rest.length; i++) {
        const choice = how[i]!;
        if (choice === 'star') {
          // A star over the next runs[i] characters (none: the character stays).
          tokens.push('*');
          if (runs[i]! > 0) {
            i += runs[i]! - 1;
            continue;
          }
        }
        if (choice === 'one' || (rest[i] === '?' && i !== q)) tokens.push('?');
        else if (i === q) tokens.push('\\?');
        else tokens.push(rest[i]!);
      }
      if (change) {
        const [at, token] = change;
        const i = 1 + (at % tokens.length);
        if (token === '') tokens.splice(i, 1);
        else tokens.splice(i, 0, token);
      }
      return tokens;
    });

describe('matching across 32-position words', () => {
  it('covers exactly what the rules say, for paths and queries around word boundaries', () => {
    fc.assert(
      fc.property(
        rests.chain((rest) => fc.tuple(fc.constant(rest), resourceFor(rest))),
        ([rest, tokens]) => {
          const resource = `${HOST}${tokens.join('')}`;
          expect([resource, rest, matchResource(resource, `${HOST}${rest}`)]).toEqual([
            resource,
            rest,
            covers(tokens, rest),
          ]);
        },
      ),
      { numRuns: 250 },
    );
  });

  it.each([31, 32, 63, 64])('a star reaches the last character of a %i-character path', (n) => {
    const path = `/${'a'.repeat(n - 2)}b`;
    expect(matchResource(`${HOST}/*b`, `${HOST}${path}`)).toBe(true);
    expect(matchResource(`${HOST}/*a*b`, `${HOST}${path}`)).toBe(true);
    expect(matchResource(`${HOST}/*a?`, `${HOST}${path}`)).toBe(true);
    expect(matchResource(`${HOST}/*b*`, `${HOST}${path}`)).toBe(true);
    expect(matchResource(`${HOST}/*c*`, `${HOST}${path}`)).toBe(false);
  });

  it.each([31, 32, 33, 63, 64])(
    "a path star stops at the query's ? at position %i; a query star starts after it",
    (q) => {
      const url = `${HOST}/${'a'.repeat(q - 1)}?${'b'.repeat(40)}c`;
      expect(matchResource(`${HOST}/*\\?*c`, url)).toBe(true);
      expect(matchResource(`${HOST}/*?*c`, url)).toBe(true);
      expect(matchResource(`${HOST}/*b*c`, url)).toBe(false);
      expect(matchResource(`${HOST}/*\\?b*c`, url)).toBe(true);
      expect(matchResource(`${HOST}/*a*c`, url)).toBe(false);
      expect(matchResource(`${HOST}/*\\?*a*`, url)).toBe(false);
    },
  );

  it('a long literal start, then a star: the first reachable position is past the first word', () => {
    const long = 'a'.repeat(40);
    expect(matchResource(`${HOST}/${long}*b?`, `${HOST}/${long}xbc`)).toBe(true);
    expect(matchResource(`${HOST}/${long}*b?`, `${HOST}/${long}xbc?q=1`)).toBe(false);
    expect(matchResource(`${HOST}/${long}*\\?q=*1`, `${HOST}/${long}xbc?q=1`)).toBe(true);
  });
});

describe('\\? between a literal path end and a query star', () => {
  it('only the prefix ending right before the ? passes \\?', () => {
    expect(matchResource(`${HOST}/*.ts\\?v=*`, `${HOST}/media/seg.ts?v=1`)).toBe(true);
    expect(matchResource(`${HOST}/*.ts\\?v=*1`, `${HOST}/media/seg.ts?v=21`)).toBe(true);
    expect(matchResource(`${HOST}/*.ts\\?v=*`, `${HOST}/media/seg.tsx?v=1`)).toBe(false);
  });

  it('a query star whose first position lies in a later word, below the ? offset', () => {
    // The ? is at 20 (first query prefix 21); the star starts at prefix 41, bit 9 of the second word.
    const path = `/${'a'.repeat(19)}`;
    const query = 'x'.repeat(20);
    expect(matchResource(`${HOST}${path}\\?${query}*c`, `${HOST}${path}?${query}yc`)).toBe(true);
    expect(matchResource(`${HOST}${path}\\?${query}*c`, `${HOST}${path}?${query}yd`)).toBe(false);
  });
});

describe('the work counter (which the hostile-input bound relies on) reports the work done', () => {
  const count = (resource: string, url: string): number => {
    const stats: MatchStats = { steps: 0 };
    matchResource(resource, url, stats);
    return stats.steps;
  };
  // 100 characters of path: 101 prefixes, at least 4 words of 32.
  const url = `${HOST}/${'a'.repeat(98)}b`;

  it('a literal resource and the common "prefix/*" grant are plain string comparisons: no work', () => {
    expect(count(`${HOST}/${'a'.repeat(98)}b`, url)).toBe(0);
    expect(count(`${HOST}/aaa*`, url)).toBe(0);
    expect(count(`${HOST}/bbb*`, url)).toBe(0);
  });

  it('a resource with ? and no star is one linear pass', () => {
    expect(count(`${HOST}/${'a'.repeat(98)}?`, url)).toBe(1);
  });

  it('a resource with stars counts at least one unit per word of the URL for each of its characters', () => {
    expect(count(`${HOST}/*b`, url)).toBeGreaterThanOrEqual(3 * 4);
    expect(count(`${HOST}/*a?`, url)).toBeGreaterThanOrEqual(4 * 4);
  });

  it('a resource that fails on its first characters stops there', () => {
    expect(count(`${HOST}/x${'*a'.repeat(50)}`, url)).toBeLessThanOrEqual(2 * 4);
    expect(count(`${HOST}/${'*x'.repeat(50)}`, url)).toBeLessThanOrEqual(3 * 4);
  });
});
