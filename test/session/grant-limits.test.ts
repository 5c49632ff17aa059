import { grantListProblem } from '../../src/session/grant-match';
import { GrantError, MAX_GRANTS, parseGrants, validateGrant } from '../../src/session/grants';

/**
 * Grants reach the edge inside signed tokens and the users file: each limit holds at its exact
 * edge, and each refusal tells the operator which grant and why (a users-file typo must be
 * findable), shortening a long grant instead of echoing it whole.
 */
const PREFIX = '/media/';

function refusal(pattern: unknown): GrantError {
  try {
    validateGrant(pattern, PREFIX);
  } catch (error) {
    expect(error).toBeInstanceOf(GrantError);
    expect(error).toMatchObject({ code: 'ERR_GRANT', name: 'GrantError' });
    return error as GrantError;
  }
  throw new Error(`expected ${String(pattern)} to be refused`);
}

describe('grant limits at their edge', () => {
  it('256 characters pass, 257 do not', () => {
    const at = `${PREFIX}${'a'.repeat(256 - PREFIX.length - 1)}*`;
    expect(at).toHaveLength(256);
    expect(validateGrant(at, PREFIX)).toBe(at);
    const over = `${PREFIX}${'a'.repeat(257 - PREFIX.length - 1)}*`;
    expect(refusal(over).message).toBe(`grant "${over.slice(0, 80)}…" is longer than 256`);
  });

  it('8 wildcards pass, 9 do not, counting both * and ?', () => {
    expect(validateGrant('/media/*a*b*c*d?e?f?g?', PREFIX)).toBe('/media/*a*b*c*d?e?f?g?');
    expect(refusal('/media/*a*b*c*d?e?f?g?h?').message).toBe(
      'grant "/media/*a*b*c*d?e?f?g?h?" has more than 8 wildcards',
    );
  });

  it(`${MAX_GRANTS} grants pass, ${MAX_GRANTS + 1} do not`, () => {
    const grants = (n: number) => Array.from({ length: n }, (_, i) => `/media/c${i}/*`);
    expect(parseGrants(grants(MAX_GRANTS), PREFIX)).toHaveLength(MAX_GRANTS);
    expect(MAX_GRANTS).toBe(64);
    expect(() => parseGrants(grants(MAX_GRANTS + 1), PREFIX)).toThrow(
      new GrantError(`at most ${MAX_GRANTS} grants are allowed`),
    );
  });

  it('duplicates go, order stays', () => {
    expect(parseGrants(['/media/b/*', '/media/a/*', '/media/b/*'], PREFIX)).toEqual([
      '/media/b/*',
      '/media/a/*',
    ]);
    expect(parseGrants([], PREFIX)).toEqual([]);
  });
});

describe('grant refusals name the grant and the rule', () => {
  it.each([
    [undefined, 'a grant must be a non-empty string'],
    ['', 'a grant must be a non-empty string'],
    [42, 'a grant must be a non-empty string'],
    ['/media/a b/*', 'grant "/media/a b/*" has characters outside [A-Za-z0-9._~@:=-/*?]'],
    ['/media/a\n/*', 'grant "/media/a\n/*" has characters outside [A-Za-z0-9._~@:=-/*?]'],
    [' /media/a/*', 'grant " /media/a/*" has characters outside [A-Za-z0-9._~@:=-/*?]'],
    ['/media/a/* ', 'grant "/media/a/* " has characters outside [A-Za-z0-9._~@:=-/*?]'],
    ['/other/a/*', 'grant "/other/a/*" must start with the protected prefix "/media/"'],
    ['/mediaa/*', 'grant "/mediaa/*" must start with the protected prefix "/media/"'],
    ['/media//a/*', 'grant "/media//a/*" has a doubled slash'],
    ['/media/a/../*', 'grant "/media/a/../*" has a "." or ".." segment'],
    ['/media/a/./*', 'grant "/media/a/./*" has a "." or ".." segment'],
    ['/media/a/..', 'grant "/media/a/.." has a "." or ".." segment'],
    ['/media/', 'grant "/media/" names only the folder: use "/media/*" for everything under it'],
  ])('%j: %s', (pattern, message) => {
    expect(refusal(pattern).message).toBe(message);
  });

  it('refuses a "+" with the reason (S3 reads it as a space) and what to do instead', () => {
    const message = refusal('/media/c++/*').message;
    expect(message).toMatch(
      /^grant "\/media\/c\+\+\/\*" has "\+": S3 reads a raw "\+" in a URL path as a space/,
    );
    expect(message).toContain('no URL can name that key for CloudFront, the edge and S3 alike');
    expect(message).toContain('rename the folder (e.g. "cpp")');
  });

  it('a grants list in a token is judged with the same words: not a list, too long, or its first bad grant', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `/media/c${i}/*`);
    expect(grantListProblem('/media/a/*', PREFIX)).toBe('grants must be an array of path patterns');
    expect(grantListProblem(list(MAX_GRANTS), PREFIX)).toBeUndefined();
    expect(grantListProblem(list(MAX_GRANTS + 1), PREFIX)).toBe('at most 64 grants are allowed');
    expect(grantListProblem(['/media/a/*', '/etc/*', '/media/a b'], PREFIX)).toBe(
      'grant "/etc/*" must start with the protected prefix "/media/"',
    );
  });

  it('accepts every character the rule lists, and dots inside names', () => {
    for (const g of ['/media/A-z_0.9~@:=/*', '/media/a..b/*', '/media/.hidden/*', '/media/x.', '/media/?']) {
      expect(validateGrant(g, PREFIX)).toBe(g);
    }
  });

  it('shows a grant of up to 80 characters whole, a longer one cut at 80 with an ellipsis', () => {
    const eighty = `${PREFIX}${'b'.repeat(80 - PREFIX.length - 2)} *`;
    expect(eighty).toHaveLength(80);
    expect(refusal(eighty).message).toBe(`grant "${eighty}" has characters outside [A-Za-z0-9._~@:=-/*?]`);
    const long = `${eighty}x`;
    expect(refusal(long).message).toBe(`grant "${eighty}…" has characters outside [A-Za-z0-9._~@:=-/*?]`);
  });

  it('parseGrants refuses a non-list with its own message, and a bad grant in a list with the grant', () => {
    expect(() => parseGrants({ 0: '/media/a/*' }, PREFIX)).toThrow(
      new GrantError('grants must be an array of path patterns'),
    );
    expect(() => parseGrants(['/media/a/*', '/etc/*'], PREFIX)).toThrow(
      'grant "/etc/*" must start with the protected prefix "/media/"',
    );
  });
});
