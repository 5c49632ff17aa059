import fc from 'fast-check';
import { planCookieSets } from '../../src/session/cookie-plan';
import { validateGrant } from '../../src/session/grants';
import { globMatches } from './fixtures';

const OPTS = { protectedPrefix: '/media/', maxCookieSets: 4 };

describe('planCookieSets', () => {
  it('issues one set per grant, on the grant directory', () => {
    const plan = planCookieSets(['/media/course-42/*', '/media/course-7/*'], OPTS);
    expect(plan.collapsed).toBe(false);
    expect(plan.sets).toEqual([
      { pattern: '/media/course-42/*', cookiePath: '/media/course-42/', grants: ['/media/course-42/*'] },
      { pattern: '/media/course-7/*', cookiePath: '/media/course-7/', grants: ['/media/course-7/*'] },
    ]);
  });

  it('drops grants covered by a broader grant', () => {
    const plan = planCookieSets(['/media/course-42/intro/*', '/media/course-42/*'], OPTS);
    expect(plan.sets.map((s) => s.pattern)).toEqual(['/media/course-42/*']);
  });

  it('merges sets whose cookie paths would nest or collide', () => {
    const plan = planCookieSets(['/media/c1/*.m3u8', '/media/c1/*.m4s', '/media/c1/hd/*'], OPTS);
    expect(plan.sets).toHaveLength(1);
    expect(plan.sets[0]!.pattern).toBe('/media/c1/*');
    expect(plan.sets[0]!.cookiePath).toBe('/media/c1/');
  });

  it('a grant covered by a broader one never widens the policy to its folder', () => {
    // `/media/course-4*` covers the lecture file: the one set is that grant itself, not a merge
    // of two sets into `/media/*` (which would let CloudFront serve every course).
    const plan = planCookieSets(['/media/course-4*', '/media/course-42/intro.m3u8'], OPTS);
    expect(plan).toEqual({
      sets: [{ pattern: '/media/course-4*', cookiePath: '/media/', grants: ['/media/course-4*'] }],
      collapsed: false,
    });
  });

  it('a merged set names every grant it stands for, and the sets around it stay', () => {
    const plan = planCookieSets(['/media/a/*.m3u8', '/media/b/*', '/media/a/hd/*'], OPTS);
    expect(plan).toEqual({
      sets: [
        { pattern: '/media/a/*', cookiePath: '/media/a/', grants: ['/media/a/*.m3u8', '/media/a/hd/*'] },
        { pattern: '/media/b/*', cookiePath: '/media/b/', grants: ['/media/b/*'] },
      ],
      collapsed: false,
    });
  });

  it('exactly maxCookieSets sets are issued as they are', () => {
    const grants = ['/media/a/*', '/media/b/*', '/media/c/*', '/media/d/*'];
    const plan = planCookieSets(grants, OPTS);
    expect(plan.collapsed).toBe(false);
    expect(plan.sets.map((s) => s.pattern)).toEqual(grants);
  });

  it('collapses to one prefix-wide set past maxCookieSets', () => {
    const grants = ['/media/a/*', '/media/b/*', '/media/c/*', '/media/d/*', '/media/e/*'];
    const plan = planCookieSets(grants, OPTS);
    expect(plan.collapsed).toBe(true);
    expect(plan.sets).toEqual([{ pattern: '/media/*', cookiePath: '/media/', grants }]);
  });

  const grantArb = fc
    .array(fc.stringMatching(/^[a-c*]{1,3}$/), { minLength: 1, maxLength: 3 })
    .map((parts) => `/media/${parts.join('/')}`)
    .filter((g) => {
      try {
        validateGrant(g, '/media/');
        return true;
      } catch {
        return false;
      }
    });
  const pathArb = fc
    .array(fc.stringMatching(/^[a-c]{1,3}$/), { minLength: 1, maxLength: 4 })
    .map((parts) => `/media/${parts.join('/')}`);

  it('never nests cookie paths, stays within the limit, and each granted path is covered by the set the browser sends there', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { minLength: 1, maxLength: 8 }),
        fc.array(pathArb, { maxLength: 10 }),
        (grants, paths) => {
          const plan = planCookieSets(grants, OPTS);
          expect(plan.sets.length).toBeLessThanOrEqual(OPTS.maxCookieSets);
          for (const a of plan.sets) {
            for (const b of plan.sets) {
              if (a !== b) expect(b.cookiePath.startsWith(a.cookiePath)).toBe(false);
            }
          }
          for (const path of paths) {
            if (!grants.some((g) => globMatches(g, path))) continue;
            const sent = plan.sets.filter((s) => path.startsWith(s.cookiePath));
            expect(sent).toHaveLength(1);
            expect(globMatches(sent[0]!.pattern, path)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
