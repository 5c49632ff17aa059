/**
 * Grants: CloudFront-style path patterns under the protected prefix (`/media/course-42/*`).
 * `*` matches zero or more characters (slashes included, as in a CloudFront policy Resource)
 * and `?` exactly one. Patterns come from the users file, an OIDC claim mapping or a verified
 * session token; they are validated on the way in so the edge can trust what it compiles.
 */

export class GrantError extends Error {
  readonly code = 'ERR_GRANT';
  constructor(message: string) {
    super(message);
    this.name = 'GrantError';
  }
}

const GRANT_CHARS = /^[A-Za-z0-9._~@:=\-/*?]+$/;
const MAX_GRANT_LENGTH = 256;
const MAX_WILDCARDS = 8;
export const MAX_GRANTS = 64;

/** Returns the pattern when it is a usable grant under `protectedPrefix`, else throws a GrantError. */
export function validateGrant(pattern: unknown, protectedPrefix: string): string {
  if (typeof pattern !== 'string' || pattern.length === 0)
    throw new GrantError('a grant must be a non-empty string');
  const shown = pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern;
  if (pattern.length > MAX_GRANT_LENGTH)
    throw new GrantError(`grant "${shown}" is longer than ${MAX_GRANT_LENGTH}`);
  if (pattern.includes('+')) {
    // S3 reads a raw `+` in a REST request path as a space and `%2B` as `+`, while CloudFront's
    // policy and the edge compare the path as written: `/media/c++/*` would allow only a spelling
    // that names another key (`c  /`), and the `%2B` spelling fails the signed policy.
    throw new GrantError(
      `grant "${shown}" has "+": S3 reads a raw "+" in a URL path as a space, so no URL can name that key for CloudFront, the edge and S3 alike; rename the folder (e.g. "cpp")`,
    );
  }
  if (!GRANT_CHARS.test(pattern))
    throw new GrantError(`grant "${shown}" has characters outside [A-Za-z0-9._~@:=-/*?]`);
  if (!pattern.startsWith(protectedPrefix)) {
    throw new GrantError(`grant "${shown}" must start with the protected prefix "${protectedPrefix}"`);
  }
  if (pattern.includes('//')) throw new GrantError(`grant "${shown}" has a doubled slash`);
  if (pattern.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new GrantError(`grant "${shown}" has a "." or ".." segment`);
  }
  const wildcards = pattern.replace(/[^*?]/g, '').length;
  if (wildcards > MAX_WILDCARDS)
    throw new GrantError(`grant "${shown}" has more than ${MAX_WILDCARDS} wildcards`);
  if (pattern === protectedPrefix) {
    throw new GrantError(
      `grant "${shown}" names only the folder: use "${protectedPrefix}*" for everything under it`,
    );
  }
  return pattern;
}

/** Validates a list of grants (users file, token claim); duplicates are removed, order kept. */
export function parseGrants(value: unknown, protectedPrefix: string): string[] {
  if (!Array.isArray(value)) throw new GrantError('grants must be an array of path patterns');
  if (value.length > MAX_GRANTS) throw new GrantError(`at most ${MAX_GRANTS} grants are allowed`);
  return [...new Set(value.map((g) => validateGrant(g, protectedPrefix)))];
}

/** The folder a grant lives in: its text up to the last `/` before the first wildcard. */
export function grantDirectory(pattern: string): string {
  const firstWildcard = pattern.search(/[*?]/);
  const literal = firstWildcard === -1 ? pattern : pattern.slice(0, firstWildcard);
  return literal.slice(0, literal.lastIndexOf('/') + 1);
}

/**
 * True when every path `narrow` matches is also matched by `wide`. Conservative: only the
 * shapes we can decide exactly (equal, or `wide` is a literal prefix followed by one `*`).
 */
export function coversGrant(wide: string, narrow: string): boolean {
  if (wide === narrow) return true;
  if (!wide.endsWith('*')) return false;
  const prefix = wide.slice(0, -1);
  return !/[*?]/.test(prefix) && narrow.startsWith(prefix);
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
  const list = [...grants];
  return { test: (path) => list.some((grant) => globMatch(grant, path)) };
}

/** Whether `path` (decoded, normalized) lies inside one of `grants`. */
export function pathMatchesGrants(path: string, grants: readonly string[]): boolean {
  return compileGrants(grants).test(path);
}
