import type { Settings } from '../config/settings';

/**
 * CloudFront cache-behavior path patterns. Facts (CloudFront Developer Guide, "Path pattern"):
 * `*` matches zero or more characters (slashes included), `?` exactly one; matching is
 * case-sensitive; the leading `/` is optional (`images/*` and `/images/*` are the same);
 * the path is compared without its query string; behaviors are tried in the order they are
 * listed and the default behavior (`*`) always comes last.
 */
export function matchPathPattern(pattern: string, path: string): boolean {
  const p = pattern.startsWith('/') ? pattern : `/${pattern}`;
  const s = path.startsWith('/') ? path : `/${path}`;
  // Iterative glob with single-star backtracking: linear in practice, no regex compilation.
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = p[pi];
    if (pc === '*') {
      starP = pi++;
      starS = si;
    } else if (pc !== undefined && (pc === '?' || pc === s[si])) {
      pi++;
      si++;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

export type BehaviorKind = 'media' | 'auth' | 'default';

export interface Behavior {
  pathPattern: string;
  kind: BehaviorKind;
}

/**
 * The distribution's cache behaviors, in the order serverless.yml lists them, built from the same
 * settings: the protected prefix (trusted key group + viewer-request function + S3 origin), the
 * auth prefix (login function URL origin), then the default (the web pages in the bucket).
 */
export function behaviorsFromSettings(
  settings: Pick<Settings, 'protectedPrefix' | 'authPrefix'>,
): Behavior[] {
  return [
    { pathPattern: `${settings.protectedPrefix}*`, kind: 'media' },
    { pathPattern: `${settings.authPrefix}*`, kind: 'auth' },
    { pathPattern: '*', kind: 'default' },
  ];
}

/** The first behavior whose pattern matches the path (without query string); the default otherwise. */
export function selectBehavior(behaviors: readonly Behavior[], path: string): Behavior {
  for (const behavior of behaviors) {
    if (behavior.pathPattern !== '*' && matchPathPattern(behavior.pathPattern, path)) return behavior;
  }
  return behaviors.find((b) => b.pathPattern === '*') ?? { pathPattern: '*', kind: 'default' };
}
