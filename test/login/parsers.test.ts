import fc from 'fast-check';
import { readCookie } from '../../src/edge/cookies';
import { parseCredentials, parseViewerHost, safeNextPath } from '../../src/login/body';
import { loadSecret, SecretError } from '../../src/login/secrets';

describe('parsers of outside input', () => {
  it('parseCredentials returns credentials or a 400/413/415, never throws', () => {
    const type = fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      undefined,
      'APPLICATION/JSON; charset=utf-8',
    );
    fc.assert(
      fc.property(type, fc.oneof(fc.string(), fc.json(), fc.constant(undefined)), (t, body) => {
        const out = parseCredentials(t, body);
        if (out.ok) {
          expect(out.username.length).toBeGreaterThan(0);
          expect(out.password.length).toBeGreaterThan(0);
        } else {
          expect([400, 413, 415]).toContain(out.status);
        }
      }),
      { numRuns: 500 },
    );
    expect(parseCredentials('application/json', '{"username":"a","password":"b"}')).toMatchObject({
      ok: true,
      form: false,
    });
    expect(
      parseCredentials('application/x-www-form-urlencoded', 'username=a&password=b%20c&next=%2Fx'),
    ).toEqual({
      ok: true,
      username: 'a',
      password: 'b c',
      next: '/x',
      form: true,
    });
  });

  it('safeNextPath only ever answers a local path', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `/${s}`),
          fc.constant(undefined),
        ),
        (next) => {
          const out = safeNextPath(next, '/player.html');
          expect(out.startsWith('/')).toBe(true);
          expect(out.startsWith('//') || out.startsWith('/\\')).toBe(false);
          expect(out).not.toMatch(/[\u0000-\u001f\u007f\\]/);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parseViewerHost accepts host[:port] only', () => {
    expect(parseViewerHost('D111.CloudFront.net')).toBe('d111.cloudfront.net');
    expect(parseViewerHost('localhost:3000')).toBe('localhost:3000');
    for (const bad of ['', 'a/b', 'a b', 'evil.com@x', 'x:99999', 'x:', '-a.com', 'a..b', 'https://x']) {
      expect([bad, parseViewerHost(bad)]).toEqual([bad, undefined]);
    }
    fc.assert(
      fc.property(fc.string(), (value) => {
        const out = parseViewerHost(value);
        if (out !== undefined) expect(out).toMatch(/^[a-z0-9.-]+(:\d{1,5})?$/);
      }),
      { numRuns: 500 },
    );
  });

  it('readCookie finds the first cookie of a name and never throws', () => {
    expect(readCookie('a=1; edge_session=tok; edge_session=other', 'edge_session')).toBe('tok');
    expect(readCookie('xedge_session=1; edge_session="q"', 'edge_session')).toBe('q');
    expect(readCookie('edge_session', 'edge_session')).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (header) => {
        const out = readCookie(header, 'edge_session');
        if (out !== undefined) expect(out).not.toContain(';');
      }),
      { numRuns: 500 },
    );
  });
});

describe('loadSecret', () => {
  const neverSsm = async () => {
    throw new Error('not called');
  };

  it('refuses unset, relative and unknown references with SecretError naming the variable', async () => {
    for (const ref of [undefined, '', 'file:relative/key.pem', '/abs/key.pem', 'ssm:no-slash', 'env:X']) {
      await expect(loadSecret('EDGE_AUTH_X', ref, neverSsm)).rejects.toThrow(SecretError);
      await expect(loadSecret('EDGE_AUTH_X', ref, neverSsm)).rejects.toThrow(/EDGE_AUTH_X/);
    }
  });

  it('reports an SSM failure by parameter name and error name only', async () => {
    const failing = async () => {
      throw Object.assign(new Error('secret value leaked here'), { name: 'ParameterNotFound' });
    };
    const error: unknown = await loadSecret('EDGE_AUTH_X', 'ssm:/edge-auth/dev/session/k1', failing).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      'EDGE_AUTH_X: reading SSM parameter /edge-auth/dev/session/k1 failed (ParameterNotFound)',
    );
    expect(await loadSecret('EDGE_AUTH_X', 'ssm:/a/b', async (name) => `value of ${name}`)).toBe(
      'value of /a/b',
    );
  });
});
