import { coversGrant, grantDirectory } from './grants';

/** One CloudFront signed-cookie set: a custom policy for `pattern`, sent by the browser only under `cookiePath`. */
export interface CookieSet {
  /** The path part of the policy's wildcard Resource, e.g. `/media/course-42/*`. */
  pattern: string;
  /** The cookies' `Path`, e.g. `/media/course-42/`. */
  cookiePath: string;
  /** The grants this set stands for. */
  grants: string[];
}

export interface CookiePlan {
  sets: CookieSet[];
  /** True when the grants needed more than `maxCookieSets` sets and one prefix-wide set replaced them. */
  collapsed: boolean;
}

export interface CookiePlanOptions {
  protectedPrefix: string;
  maxCookieSets: number;
}

/**
 * Which CloudFront cookie sets to issue for a list of grants.
 *
 * Browsers send every cookie whose Path is a prefix of the request path, and CloudFront reads
 * one `CloudFront-Policy`: two sets on nested (or equal) paths would either overwrite each
 * other or reach CloudFront together, and the wrong one would be checked. So sets never nest:
 * grants covered by a broader grant are dropped, and sets on nested paths are merged into one
 * wildcard set on the outer path. Past `maxCookieSets` the plan collapses to one set for the
 * whole protected prefix; the edge function still enforces the exact grants from the session.
 */
export function planCookieSets(grants: readonly string[], options: CookiePlanOptions): CookiePlan {
  const unique = [...new Set(grants)];
  const kept = unique.filter((g) => !unique.some((other) => other !== g && coversGrant(other, g)));
  let sets: CookieSet[] = kept.map((g) => ({ pattern: g, cookiePath: grantDirectory(g), grants: [g] }));

  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < sets.length; i++) {
      for (let j = i + 1; j < sets.length; j++) {
        const a = sets[i]!;
        const b = sets[j]!;
        if (!a.cookiePath.startsWith(b.cookiePath) && !b.cookiePath.startsWith(a.cookiePath)) continue;
        const path = a.cookiePath.length <= b.cookiePath.length ? a.cookiePath : b.cookiePath;
        const combined: CookieSet = {
          pattern: `${path}*`,
          cookiePath: path,
          grants: [...a.grants, ...b.grants],
        };
        sets = [...sets.slice(0, i), combined, ...sets.slice(i + 1, j), ...sets.slice(j + 1)];
        merged = true;
        break outer;
      }
    }
  }

  if (sets.length > options.maxCookieSets) {
    return {
      sets: [{ pattern: `${options.protectedPrefix}*`, cookiePath: options.protectedPrefix, grants: unique }],
      collapsed: true,
    };
  }
  return { sets, collapsed: false };
}
