import { CLOUDFRONT_MAX_REQUEST_BYTES, CLOUDFRONT_MAX_URL_BYTES } from './aws-rules';

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
  const m = /^(https?):\/\/([^/?#]*)/i.exec(url);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
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

/**
 * Glob over the domain: `*` and `?` match any character of `authority` (which holds only that
 * section, lower-cased by splitUrl); the pattern's letters compare lower-cased.
 */
function globDomain(tokens: Token[], t: string): boolean {
  // Iterative wildcard matching with single-star backtracking: linear-ish, no regex blowups.
  let ti = 0;
  let pi = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    const tok = tokens[pi];
    if (tok && (tok.kind === 'one' || (tok.kind === 'lit' && tok.ch.toLowerCase() === t[ti]))) {
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

/** Work counter for tests and benchmarks: each unit is one 32-position word of one row. */
export interface MatchStats {
  steps: number;
}

/** The lowest set bit of `bits` within [lo, hi], or -1. */
function firstSetBit(bits: Uint32Array, lo: number, hi: number): number {
  for (let w = lo >>> 5; w <= hi >>> 5; w++) {
    let word = bits[w]!;
    if (w === lo >>> 5) word &= ~0 << (lo & 31);
    if (w === hi >>> 5 && (hi & 31) !== 31) word &= (1 << ((hi & 31) + 1)) - 1;
    if (word !== 0) return w * 32 + (31 - Math.clz32(word & -word));
  }
  return -1;
}

/** Sets bits [lo, hi] of `bits`, a word at a time. */
function setBits(bits: Uint32Array, lo: number, hi: number): void {
  for (let w = lo >>> 5; w <= hi >>> 5; w++) {
    let word = ~0;
    if (w === lo >>> 5) word &= ~0 << (lo & 31);
    if (w === hi >>> 5 && (hi & 31) !== 31) word &= (1 << ((hi & 31) + 1)) - 1;
    bits[w]! |= word;
  }
}

/**
 * Path (and query) matching. `rest` is the URL's path plus `?query`; `queryStart` marks its `?`.
 * A non-final `*` matches any run of characters that does not contain the query's `?` itself;
 * an unescaped `?` matches any one character (that `?` included); `\?` matches only that `?`; a
 * final `*` covers everything after it, query included.
 *
 * Bit-parallel dynamic programming instead of backtracking: row i holds, for every prefix of
 * `rest`, whether the first i tokens match it. Each token updates the row in O(|rest| / 32) word
 * operations, so the whole match is O(tokens × |rest| / 32) with no recursion: 60 stars against an
 * 8 KB URL is ~15,000 word operations (the memoised recursion it replaces took 15 s there, and a
 * long literal overflowed the stack).
 */
function matchRest(tokens: Token[], rest: string, queryStart: number, stats?: MatchStats): boolean {
  const n = rest.length;
  const q = queryStart === -1 ? n : queryStart;
  if (!tokens.some((t) => t.kind === 'star')) {
    // Without a star every token consumes exactly one character: one linear pass.
    if (tokens.length !== n) return false;
    if (stats) stats.steps += 1;
    return tokens.every((tok, j) =>
      tok.kind === 'one' ? true : tok.kind === 'sep' ? j === q : tok.kind === 'lit' && tok.ch === rest[j],
    );
  }
  const words = ((n + 1) >>> 5) + 1;
  let row = new Uint32Array(words);
  let next = new Uint32Array(words);
  row[0] = 1; // the empty prefix
  const all = new Uint32Array(words);
  for (let j = 1; j <= n; j++) all[j >>> 5]! |= 1 << (j & 31);
  // Per literal: bit j+1 set when rest[j] is that character. A literal is never `?` (tokenize makes
  // every `?` a wildcard or `\?`), so it can never match the query's `?`.
  const masks = new Map<string, Uint32Array>();
  const maskOf = (ch: string): Uint32Array => {
    let mask = masks.get(ch);
    if (!mask) {
      mask = new Uint32Array(words);
      for (let j = 0; j < n; j++) if (rest[j] === ch) mask[(j + 1) >>> 5]! |= 1 << ((j + 1) & 31);
      masks.set(ch, mask);
    }
    return mask;
  };
  const bit = (j: number) => (row[j >>> 5]! >>> (j & 31)) & 1;
  for (let pi = 0; pi < tokens.length; pi++) {
    const tok = tokens[pi]!;
    if (stats) stats.steps += words;
    if (tok.kind === 'star') {
      // A star at the very end of the resource covers the rest of the URL, query included. The row
      // is never empty here: the first row holds the empty prefix, an empty row after a character
      // returned false at once, and a star spreads a non-empty row into a non-empty one.
      if (pi === tokens.length - 1) return true;
      // From the first reachable prefix, every longer prefix is reachable up to the barrier (a
      // non-final star never eats the query's `?`), and again from the first one past it.
      next.fill(0);
      const path = firstSetBit(row, 0, q);
      if (path !== -1) setBits(next, path, q);
      if (q < n) {
        const query = firstSetBit(row, q + 1, n);
        if (query !== -1) setBits(next, query, n);
      }
    } else {
      const mask = tok.kind === 'lit' ? maskOf(tok.ch) : undefined;
      let carry = 0;
      let any = 0;
      for (let w = 0; w < words; w++) {
        const value = row[w]!;
        let shifted = ((value << 1) | carry) >>> 0;
        carry = value >>> 31;
        shifted &= mask ? mask[w]! : all[w]!;
        next[w] = shifted;
        any |= shifted;
      }
      if (tok.kind === 'sep') {
        // `\?` consumes exactly the query's `?` (position q, so prefix q+1).
        const keep = q < n ? (next[(q + 1) >>> 5]! >>> ((q + 1) & 31)) & 1 : 0;
        next.fill(0);
        if (keep) next[(q + 1) >>> 5]! |= 1 << ((q + 1) & 31);
        any = keep;
      }
      if (any === 0) return false;
    }
    [row, next] = [next, row];
  }
  return bit(n) === 1;
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

/**
 * CloudFront's longest URL (aws-rules `cloudfront/max-url-length`): a longer URL never reaches a
 * matcher at CloudFront; here it is no match, without work.
 */
export const MAX_MATCH_URL_LENGTH = CLOUDFRONT_MAX_URL_BYTES.value;
/**
 * The longest resource worth matching (aws-rules `cloudfront/max-request-length`): AWS states no
 * limit on a Resource, but a policy cannot be longer than the request that carries it.
 */
export const MAX_RESOURCE_LENGTH = CLOUDFRONT_MAX_REQUEST_BYTES.value;
/** A DNS name is at most 253 characters, plus `:65535`. */
const MAX_AUTHORITY_LENGTH = 253 + 6;

/** True when CloudFront would consider `url` covered by the policy `resource`. */
export function matchResource(resource: string, url: string, stats?: MatchStats): boolean {
  if (resource.length > MAX_RESOURCE_LENGTH || url.length > MAX_MATCH_URL_LENGTH) return false;
  if (resource === '*') return true;
  const target = splitUrl(url);
  if (!target || target.authority.length > MAX_AUTHORITY_LENGTH) return false;
  const m = /^(\*|https?):\/\//i.exec(resource);
  if (!m) return false;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== '*' && scheme !== target.scheme) return false;
  const afterScheme = resource.slice(m[0].length);
  const slash = afterScheme.search(/\/|\\\?/);
  const hostPattern = slash === -1 ? afterScheme : afterScheme.slice(0, slash);
  let restPattern = slash === -1 ? '' : afterScheme.slice(slash);
  if (restPattern.startsWith('\\?')) restPattern = `/${restPattern}`;
  if (!globDomain(tokenize(hostPattern), target.authority)) return false;
  // A resource without a path covers only the root ("https://host" and "https://host/").
  if (restPattern === '') return target.rest === '' || target.rest === '/';
  // An empty path is the root; its queryStart is already -1.
  const rest = target.rest === '' ? '/' : target.rest;
  if (!/[*?]/.test(restPattern)) return restPattern === rest;
  // The common grant shape, "prefix/*": a literal prefix (which cannot contain the query's `?`)
  // followed by a final star that covers the rest, query included.
  const head = restPattern.slice(0, -1);
  if (restPattern.endsWith('*') && !/[*?]/.test(head)) return rest.startsWith(head);
  return matchRest(tokensOf(restPattern), rest, target.queryStart, stats);
}
