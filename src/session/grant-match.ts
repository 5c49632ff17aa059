/**
 * The grant rules and matcher, written in the subset of JavaScript the CloudFront Functions
 * runtime 2.0 runs (no classes, destructuring, for-of or spread): the `function` edge mode bundles
 * this file, and src/session/grants.ts builds its errors on it, so both modes check grants alike.
 */

const GRANT_CHARS = /^[A-Za-z0-9._~@:=\-/*?]+$/;
const MAX_GRANT_LENGTH = 256;
const MAX_WILDCARDS = 8;
export const MAX_GRANTS = 64;

/** Why a pattern is not a usable grant under `protectedPrefix`, or undefined when it is one. */
export function grantProblem(pattern: unknown, protectedPrefix: string): string | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0) return 'a grant must be a non-empty string';
  const shown = pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern;
  if (pattern.length > MAX_GRANT_LENGTH) return `grant "${shown}" is longer than ${MAX_GRANT_LENGTH}`;
  if (pattern.indexOf('+') !== -1) {
    // S3 reads a raw `+` in a REST request path as a space and `%2B` as `+`, while CloudFront's
    // policy and the edge compare the path as written: `/media/c++/*` would allow only a spelling
    // that names another key (`c  /`), and the `%2B` spelling fails the signed policy.
    return `grant "${shown}" has "+": S3 reads a raw "+" in a URL path as a space, so no URL can name that key for CloudFront, the edge and S3 alike; rename the folder (e.g. "cpp")`;
  }
  if (!GRANT_CHARS.test(pattern)) return `grant "${shown}" has characters outside [A-Za-z0-9._~@:=-/*?]`;
  if (pattern.indexOf(protectedPrefix) !== 0)
    return `grant "${shown}" must start with the protected prefix "${protectedPrefix}"`;
  if (pattern.indexOf('//') !== -1) return `grant "${shown}" has a doubled slash`;
  if (pattern.split('/').some((segment) => segment === '.' || segment === '..'))
    return `grant "${shown}" has a "." or ".." segment`;
  if (pattern.replace(/[^*?]/g, '').length > MAX_WILDCARDS)
    return `grant "${shown}" has more than ${MAX_WILDCARDS} wildcards`;
  if (pattern === protectedPrefix)
    return `grant "${shown}" names only the folder: use "${protectedPrefix}*" for everything under it`;
  return undefined;
}

/** Why a list is not a usable grants list, or undefined. */
export function grantListProblem(value: unknown, protectedPrefix: string): string | undefined {
  if (!Array.isArray(value)) return 'grants must be an array of path patterns';
  if (value.length > MAX_GRANTS) return `at most ${MAX_GRANTS} grants are allowed`;
  for (let i = 0; i < value.length; i++) {
    const problem = grantProblem(value[i], protectedPrefix);
    if (problem) return problem;
  }
  return undefined;
}

/** Duplicates removed, first occurrence kept (no Set: the function runtime does not list it). */
export function uniqueGrants(grants: readonly string[]): string[] {
  return grants.filter((g, i) => grants.indexOf(g) === i);
}

/**
 * One grant against one path: `*` any run (slashes included), `?` one character. Two pointers
 * with backtracking to the last `*` only: O(pattern × path) at worst. A RegExp of `[^]*` runs
 * backtracks catastrophically on grants with several `*` (`/media/*a*a*a*a*b` against 400 `a`s
 * took minutes), and the viewer chooses the path.
 */
function globMatch(pattern: string, path: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < path.length) {
    const c = pattern.charCodeAt(p);
    if (p < pattern.length && (c === 63 /* ? */ || c === path.charCodeAt(t))) {
      p++;
      t++;
    } else if (c === 42 /* * */) {
      star = p++;
      resume = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}

export interface GrantMatcher {
  /** Whether a decoded, normalized path lies inside one of the grants. */
  test(path: string): boolean;
}

/** A matcher for a list of (validated) grants, made once per verified session. */
export function compileGrants(grants: readonly string[]): GrantMatcher {
  const list = grants.slice();
  return { test: (path) => list.some((grant) => globMatch(grant, path)) };
}

/** Whether `path` (decoded, normalized) lies inside one of `grants`. */
export function pathMatchesGrants(path: string, grants: readonly string[]): boolean {
  return compileGrants(grants).test(path);
}
