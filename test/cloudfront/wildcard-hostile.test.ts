import fc from 'fast-check';
import {
  MAX_MATCH_URL_LENGTH,
  MAX_RESOURCE_LENGTH,
  type MatchStats,
  matchResource as match,
} from '../../src/cloudfront/wildcard';

// Hostile resources and URLs (issue 9, finding 8): a pasted policy chooses the resource, a viewer
// the URL. The guard is a count of work: at most one pass over the URL (in 32-character words)
// per character of the resource. Synchronous code cannot be stopped by a test timeout, so a
// super-linear matcher hangs this file instead of failing it: that is how it failed before.
const longPath = (n: number) => `/media/${'a'.repeat(n)}`;

function matchResource(resource: string, url: string): boolean {
  const stats: MatchStats = { steps: 0 };
  const result = match(resource, url, stats);
  const bound = (resource.length + 1) * (Math.ceil((url.length + 2) / 32) + 1);
  expect(stats.steps).toBeLessThanOrEqual(bound);
  return result;
}

describe('matchResource with hostile input', () => {
  it('60 stars against an 8 KB URL', () => {
    const resource = `https://*/${'*a'.repeat(60)}*b?`;
    const url = `https://d111.cloudfront.net${longPath(8000)}`;
    expect(matchResource(resource, url)).toBe(false);
    expect(matchResource(`https://*/${'*a'.repeat(60)}*`, url)).toBe(true);
  }, 2000);

  it('many stars and question marks with a query in the way', () => {
    const resource = `https://d111.cloudfront.net/${'*?'.repeat(2000)}\\?x=*y`;
    const url = `https://d111.cloudfront.net/${'a'.repeat(4000)}?x=${'a'.repeat(3000)}`;
    expect(matchResource(resource, url)).toBe(false);
    expect(matchResource(resource, `${url}y`)).toBe(true);
  }, 2000);

  it('a long literal resource does not overflow the stack', () => {
    const path = longPath(8000);
    // A `?` forces the general matcher (the plain prefix and literal shortcuts do not apply).
    const resource = `https://d111.cloudfront.net${path.slice(0, -1)}?`;
    expect(matchResource(resource, `https://d111.cloudfront.net${path}`)).toBe(true);
    expect(matchResource(resource, `https://d111.cloudfront.net${path}x`)).toBe(false);
  }, 2000);

  it('a host pattern full of stars against a long host', () => {
    const resource = `https://${'*a'.repeat(200)}*b/*`;
    expect(matchResource(resource, `https://${'a'.repeat(250)}.example/x`)).toBe(false);
  }, 2000);

  it('refuses (no match) past the documented limits instead of working on them', () => {
    const host = 'https://d111.cloudfront.net';
    expect(matchResource(`${host}/*`, `${host}${longPath(MAX_MATCH_URL_LENGTH)}`)).toBe(false);
    expect(matchResource(`${host}/${'?'.repeat(MAX_RESOURCE_LENGTH)}*`, `${host}/x`)).toBe(false);
  }, 2000);
});

/** The matcher's documented rules as a backtracking reference, for small inputs only. */
function reference(tokens: string, rest: string, q: number): boolean {
  // tokens: '*' star, '?' one, 'S' sep (an escaped \?), anything else literal.
  const go = (pi: number, ti: number): boolean => {
    if (pi === tokens.length) return ti === rest.length;
    const tok = tokens[pi]!;
    if (tok === '*') {
      if (pi === tokens.length - 1) return true;
      const limit = ti > q ? rest.length : q;
      for (let k = ti; k <= limit; k++) if (go(pi + 1, k)) return true;
      return false;
    }
    if (ti >= rest.length) return false;
    if (tok === 'S') return ti === q && go(pi + 1, ti + 1);
    if (tok === '?') return go(pi + 1, ti + 1);
    return ti !== q && tok === rest[ti] && go(pi + 1, ti + 1);
  };
  return go(0, 0);
}

describe('the bounded matcher agrees with the rules', () => {
  it('matches exactly when the backtracking reference does', () => {
    const pathChars = fc.constantFrom('a', 'b', '/', '*', '?', 'S');
    const textChars = fc.constantFrom('a', 'b', '/');
    fc.assert(
      fc.property(
        fc.array(pathChars, { maxLength: 10 }),
        fc.array(textChars, { maxLength: 8 }),
        fc.option(fc.array(fc.constantFrom('a', 'b', '='), { maxLength: 6 }), { nil: undefined }),
        (p, t, query) => {
          const pattern = `/${p.join('')}`;
          const path = `/${t.join('')}`;
          const rest = query === undefined ? path : `${path}?${query.join('')}`;
          const q = query === undefined ? -1 : path.length;
          const resource = `https://h.example${pattern.replace(/S/g, '\\?')}`;
          const expected = reference(pattern, rest, q === -1 ? rest.length : q);
          expect([resource, rest, matchResource(resource, `https://h.example${rest}`)]).toEqual([
            resource,
            rest,
            expected,
          ]);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
