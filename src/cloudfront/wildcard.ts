/**
 * Matching a request URL against a policy's `Resource`, as CloudFront documents it:
 *
 * - `*` matches zero or more characters, `?` exactly one ("Values that you specify in the policy
 *   statement for a custom policy", CloudFront Developer Guide).
 * - The resource starts with `http://`, `https://` or `*://` (`*` = either; no other scheme).
 *   A bare `*` resource matches every URL.
 * - Matching goes section by section: protocol, domain (host[:port]), path, query. A wildcard
 *   never matches outside its own section: `*` in the domain cannot eat a `/`, `*` in the path
 *   cannot eat the `?` that starts the query.
 * - The query section of a resource starts at an escaped `\?`. An unescaped `?` stays a
 *   one-character wildcard, and it may match the URL's own `?` (which is how the guide's examples
 *   `…/horizon.jpg?size=large` read as literal URLs).
 * - Exception: a `*` that ends the resource's path (no query section) also covers any query
 *   string (the guide's `/*game_download.zip*` matches `/example_game_download.zip?license=yes`).
 * - Scheme and host compare case-insensitively (DNS and URL schemes are); path and query are
 *   compared byte for byte, without decoding percent-escapes.
 */

interface SplitUrl {
  scheme: string;
  authority: string;
  /** Path plus `?query` when the URL has one. */
  rest: string;
  /** Index of the URL's query `?` inside `rest`, or -1. */
  queryStart: number;
}

/** Splits an absolute http(s) URL without normalizing it; undefined when it is not one. */
export function splitUrl(url: string): SplitUrl | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  let rest = url.slice(m[0].length);
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  return { scheme, authority: m[2]!.toLowerCase(), rest, queryStart: rest.indexOf('?') };
}

type Token = { kind: 'star' } | { kind: 'one' } | { kind: 'lit'; ch: string } | { kind: 'sep' };

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') out.push({ kind: 'star' });
    else if (ch === '?') out.push({ kind: 'one' });
    else if (ch === '\\' && pattern[i + 1] === '?') {
      out.push({ kind: 'sep' });
      i++;
    } else out.push({ kind: 'lit', ch });
  }
  return out;
}

/** Glob over one section: `*` and `?` match any character of `text` (which holds only that section). */
function globSection(tokens: Token[], text: string, caseInsensitive: boolean): boolean {
  const t = caseInsensitive ? text.toLowerCase() : text;
  // Iterative wildcard matching with single-star backtracking: linear-ish, no regex blowups.
  let ti = 0;
  let pi = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    const tok = tokens[pi];
    if (
      tok &&
      (tok.kind === 'one' ||
        (tok.kind === 'lit' && (caseInsensitive ? tok.ch.toLowerCase() : tok.ch) === t[ti]))
    ) {
      pi++;
      ti++;
    } else if (tok && tok.kind === 'star') {
      starP = pi++;
      starT = ti;
    } else if (starP !== -1) {
      pi = starP + 1;
      ti = ++starT;
    } else return false;
  }
  while (pi < tokens.length && tokens[pi]!.kind === 'star') pi++;
  return pi === tokens.length;
}

/**
 * Path (and query) matching. `rest` is the URL's path plus `?query`; `queryStart` marks its `?`.
 * Path wildcards stop at `queryStart`; an unescaped `?` may consume the `?` itself; after that,
 * the remaining tokens match the query freely. A trailing `*` covers everything.
 */
function matchRest(tokens: Token[], rest: string, queryStart: number): boolean {
  const q = queryStart === -1 ? rest.length : queryStart;
  const memo = new Map<number, boolean>();
  const go = (pi: number, ti: number): boolean => {
    const key = pi * (rest.length + 1) + ti;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: boolean;
    if (pi === tokens.length) result = ti === rest.length;
    else {
      const tok = tokens[pi]!;
      const inQuery = ti > q;
      if (tok.kind === 'star') {
        // A star at the very end of the resource covers the rest of the URL, query included.
        if (pi === tokens.length - 1) result = true;
        else {
          const limit = inQuery ? rest.length : q;
          result = false;
          for (let k = ti; k <= limit && !result; k++) result = go(pi + 1, k);
        }
      } else if (ti >= rest.length) result = false;
      else if (tok.kind === 'sep') result = ti === q && go(pi + 1, ti + 1);
      else if (tok.kind === 'one') result = go(pi + 1, ti + 1);
      else result = ti !== q && tok.ch === rest[ti] && go(pi + 1, ti + 1);
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

// The same few resources are matched for every segment request: tokenize each once.
const tokenCache = new Map<string, Token[]>();
function tokensOf(pattern: string): Token[] {
  let tokens = tokenCache.get(pattern);
  if (!tokens) {
    if (tokenCache.size >= 256) tokenCache.clear();
    tokens = tokenize(pattern);
    tokenCache.set(pattern, tokens);
  }
  return tokens;
}

/** True when CloudFront would consider `url` covered by the policy `resource`. */
export function matchResource(resource: string, url: string): boolean {
  if (resource === '*') return true;
  const target = splitUrl(url);
  if (!target) return false;
  const m = /^(\*|https?):\/\//i.exec(resource);
  if (!m) return false;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== '*' && scheme !== target.scheme) return false;
  const afterScheme = resource.slice(m[0].length);
  const slash = afterScheme.search(/\/|\\\?/);
  const hostPattern = slash === -1 ? afterScheme : afterScheme.slice(0, slash);
  let restPattern = slash === -1 ? '' : afterScheme.slice(slash);
  if (restPattern.startsWith('\\?')) restPattern = `/${restPattern}`;
  if (!globSection(tokenize(hostPattern), target.authority, true)) return false;
  // A resource without a path covers only the root ("https://host" and "https://host/").
  if (restPattern === '') return target.rest === '' || target.rest === '/';
  const rest = target.rest === '' ? '/' : target.rest;
  const queryStart = target.rest === '' ? -1 : target.queryStart;
  if (!/[*?]/.test(restPattern)) return restPattern === rest;
  // The common grant shape, "prefix/*": a literal prefix (which cannot contain the query's `?`)
  // followed by a final star that covers the rest, query included.
  const head = restPattern.slice(0, -1);
  if (restPattern.endsWith('*') && !/[*?]/.test(head)) return rest.startsWith(head);
  return matchRest(tokensOf(restPattern), rest, queryStart);
}
