import { grantProblem, MAX_GRANTS, uniqueGrants } from './grant-match';

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

export { compileGrants, type GrantMatcher, MAX_GRANTS, pathMatchesGrants } from './grant-match';

/** Returns the pattern when it is a usable grant under `protectedPrefix`, else throws a GrantError. */
export function validateGrant(pattern: unknown, protectedPrefix: string): string {
  const problem = grantProblem(pattern, protectedPrefix);
  if (problem) throw new GrantError(problem);
  return pattern as string;
}

/** Validates a list of grants (users file, token claim); duplicates are removed, order kept. */
export function parseGrants(value: unknown, protectedPrefix: string): string[] {
  if (!Array.isArray(value)) throw new GrantError('grants must be an array of path patterns');
  if (value.length > MAX_GRANTS) throw new GrantError(`at most ${MAX_GRANTS} grants are allowed`);
  return uniqueGrants(value.map((g) => validateGrant(g, protectedPrefix)));
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
