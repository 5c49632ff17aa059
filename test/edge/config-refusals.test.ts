import { type EdgeConfig, EdgeConfigError, validateEdgeConfig } from '../../src/edge/config';
import { createEdgeRuntime, decide } from '../../src/edge/decide';
import { sessionKey } from '../session/fixtures';

/**
 * The baked edge config is the edge's only knowledge: a config that lets private key material
 * into the bundle, or a sign-in path that a browser reads as another host (`//evil.example`),
 * must stop the build. Each refusal names the field and never echoes a key.
 */
const es = sessionKey('k1');
const ed = sessionKey('k2', 'ed25519');

function good(): EdgeConfig {
  return {
    version: 1,
    stage: 'dev',
    issuer: 'edge-auth',
    audience: 'edge-auth-media',
    cookieName: '__Host-edge_session',
    protectedPrefix: '/media/',
    signInPath: '/auth/sign-in',
    allowedOrigins: ['https://player.example.com', 'http://localhost:3000'],
    clockSkewSeconds: 30,
    sessionCacheSize: 1000,
    keys: [
      { kid: 'k1', alg: 'ES256', spki: es.publicKeyPem },
      { kid: 'k2', alg: 'EdDSA', spki: ed.publicKeyPem },
    ],
  };
}

function refusal(config: unknown): EdgeConfigError {
  try {
    validateEdgeConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(EdgeConfigError);
    expect(error).toMatchObject({ code: 'ERR_EDGE_CONFIG', name: 'EdgeConfigError' });
    return error as EdgeConfigError;
  }
  throw new Error('expected the config to be refused');
}

const secretLine = (pem: string) => pem.split('\n')[1]!;

describe('edge config: private key material never passes', () => {
  it('refuses a key whose SPKI text also carries a private key, without echoing it', () => {
    const config = good();
    config.keys[0]!.spki = `${es.publicKeyPem}${es.privateKeyPem}`;
    const error = refusal(config);
    expect(error.message).toBe('edge config: key "k1" holds private key material');
    expect(error.message).not.toContain(secretLine(es.privateKeyPem));
  });

  it('refuses private key material on any key, not only the first', () => {
    const config = good();
    config.keys[1]!.spki = `${ed.publicKeyPem}${ed.privateKeyPem}`;
    expect(refusal(config).message).toBe('edge config: key "k2" holds private key material');
  });

  it('refuses a private key in place of the public key', () => {
    const config = good();
    config.keys[0]!.spki = es.privateKeyPem;
    expect(refusal(config).message).toBe('edge config: key "k1" is not an SPKI PEM public key');
  });
});

describe('edge config: the sign-in path stays on this site', () => {
  it.each([
    ['//evil.example/sign-in', 'protocol-relative: the browser goes to evil.example'],
    ['//', 'protocol-relative with no host'],
    ['https://evil.example/sign-in', 'absolute URL'],
    ['auth/sign-in', 'relative path'],
    ['', 'empty'],
  ])('refuses %j (%s)', (signInPath) => {
    expect(refusal({ ...good(), signInPath }).message).toBe('edge config: signInPath must be a local path');
  });

  it('refuses a non-string sign-in path', () => {
    expect(refusal({ ...good(), signInPath: 42 }).message).toMatch(/signInPath/);
  });

  it('accepts a local path, and redirects page loads to it on this host', () => {
    const config = validateEdgeConfig({ ...good(), cookieName: 'edge_session', signInPath: '/auth/sign-in' });
    const decision = decide(
      { method: 'GET', uri: '/media/a/index.html', querystring: '', accept: 'text/html' },
      createEdgeRuntime(config),
      0,
    );
    expect(decision).toEqual({
      kind: 'redirect',
      location: '/auth/sign-in?next=%2Fmedia%2Fa%2Findex.html',
      code: 'ERR_NO_SESSION',
      reason: 'no-session',
    });
  });
});

describe('edge config: every field is checked and named', () => {
  it('accepts the good config unchanged', () => {
    const config = good();
    expect(validateEdgeConfig(config)).toBe(config);
    expect(validateEdgeConfig({ ...config, cookieName: 'edge_session', allowedOrigins: [] })).toMatchObject({
      cookieName: 'edge_session',
    });
  });

  it.each<[string, Partial<Record<keyof EdgeConfig, unknown>>, string]>([
    ['version 2', { version: 2 }, 'version must be 1'],
    ['no version', { version: undefined }, 'version must be 1'],
    ['empty stage', { stage: '' }, 'stage is missing'],
    ['stage not a string', { stage: 7 }, 'stage is missing'],
    ['empty issuer', { issuer: '' }, 'issuer is missing'],
    ['issuer not a string', { issuer: ['edge-auth'] }, 'issuer is missing'],
    ['empty audience', { audience: '' }, 'audience is missing'],
    ['audience not a string', { audience: 1 }, 'audience is missing'],
    ['cookie name with a separator', { cookieName: 'a;b' }, 'cookieName must be a plain cookie token'],
    [
      'cookie name with text around it',
      { cookieName: 'x edge_session' },
      'cookieName must be a plain cookie token',
    ],
    [
      'cookie name ending in a space',
      { cookieName: 'edge_session ' },
      'cookieName must be a plain cookie token',
    ],
    [
      'cookie name of 65 characters',
      { cookieName: 'a'.repeat(65) },
      'cookieName must be a plain cookie token',
    ],
    ['empty cookie name', { cookieName: '' }, 'cookieName must be a plain cookie token'],
    ['cookie name not a string', { cookieName: null }, 'cookieName must be a plain cookie token'],
    ['prefix "/"', { protectedPrefix: '/' }, 'protectedPrefix must look like "/media/"'],
    [
      'prefix without the trailing slash',
      { protectedPrefix: '/media' },
      'protectedPrefix must look like "/media/"',
    ],
    [
      'prefix without the leading slash',
      { protectedPrefix: 'media/' },
      'protectedPrefix must look like "/media/"',
    ],
    ['prefix of two segments', { protectedPrefix: '/a/b/' }, 'protectedPrefix must look like "/media/"'],
    ['prefix with a wildcard', { protectedPrefix: '/*/' }, 'protectedPrefix must look like "/media/"'],
    ['prefix not a string', { protectedPrefix: 5 }, 'protectedPrefix must look like "/media/"'],
    ['prefix in a list', { protectedPrefix: ['/media/'] }, 'protectedPrefix must look like "/media/"'],
    ['origins not a list', { allowedOrigins: 'https://a.example' }, 'allowedOrigins must be a list'],
    ['origin with a path', { allowedOrigins: ['https://a.example/x'] }, 'allowedOrigins must be a list'],
    [
      'origin with another scheme',
      { allowedOrigins: ['javascript:alert(1)'] },
      'allowedOrigins must be a list',
    ],
    ['origin ftp', { allowedOrigins: ['ftp://a.example'] }, 'allowedOrigins must be a list'],
    [
      'origin with text before it',
      { allowedOrigins: [' https://a.example'] },
      'allowedOrigins must be a list',
    ],
    ['origin with a bad port', { allowedOrigins: ['https://a.example:x'] }, 'allowedOrigins must be a list'],
    ['origin "*"', { allowedOrigins: ['*'] }, 'allowedOrigins must be a list'],
    ['origin not a string', { allowedOrigins: [1] }, 'allowedOrigins must be a list'],
    ['origin in a nested list', { allowedOrigins: [['https://a.example']] }, 'allowedOrigins must be a list'],
    [
      'prefix with text before it',
      { protectedPrefix: 'x/media/' },
      'protectedPrefix must look like "/media/"',
    ],
    ['cookie name in a list', { cookieName: ['edge_session'] }, 'cookieName must be a plain cookie token'],
    ['a bad origin after a good one', { allowedOrigins: ['https://a.example', 'null'] }, 'allowedOrigins'],
    ['negative skew', { clockSkewSeconds: -1 }, 'clockSkewSeconds must be an integer from 0 to 300'],
    ['skew over 300', { clockSkewSeconds: 301 }, 'clockSkewSeconds must be an integer from 0 to 300'],
    ['fractional skew', { clockSkewSeconds: 1.5 }, 'clockSkewSeconds must be an integer from 0 to 300'],
    ['skew as text', { clockSkewSeconds: '30' }, 'clockSkewSeconds must be an integer from 0 to 300'],
    ['cache of 0', { sessionCacheSize: 0 }, 'sessionCacheSize must be an integer from 1 to 100000'],
    [
      'cache over 100000',
      { sessionCacheSize: 100_001 },
      'sessionCacheSize must be an integer from 1 to 100000',
    ],
    ['fractional cache', { sessionCacheSize: 2.5 }, 'sessionCacheSize must be an integer from 1 to 100000'],
    ['no keys', { keys: [] }, 'keys must list at least one session public key'],
    ['keys not a list', { keys: {} }, 'keys must list at least one session public key'],
  ])('refuses %s', (_name, change, message) => {
    expect(refusal({ ...good(), ...change }).message).toContain(`edge config: ${message}`);
  });

  it.each([
    ['clockSkewSeconds', 0],
    ['clockSkewSeconds', 300],
    ['sessionCacheSize', 1],
    ['sessionCacheSize', 100_000],
    ['cookieName', 'a'.repeat(64)],
    ['cookieName', '__Host-A_b-9'],
    ['protectedPrefix', '/Media.v2_~-/'],
    ['allowedOrigins', ['http://127.0.0.1:3000', 'https://a-b.example.com']],
  ])('accepts %s = %j at the edge of its range', (field, value) => {
    expect(validateEdgeConfig({ ...good(), [field]: value })).toMatchObject({ [field]: value });
  });

  it('refuses a non-object', () => {
    for (const value of [undefined, null, 'config', 1]) {
      expect(refusal(value).message).toBe('edge config: not an object');
    }
  });

  it('checks each key: kid, duplicates, algorithm, SPKI', () => {
    const withKey = (change: Record<string, unknown>, index = 0) => {
      const config = good();
      config.keys[index] = { ...config.keys[index]!, ...change } as EdgeConfig['keys'][number];
      return config;
    };
    expect(refusal(withKey({ kid: 'K1' })).message).toBe('edge config: a key has a bad kid');
    expect(refusal(withKey({ kid: '' })).message).toBe('edge config: a key has a bad kid');
    expect(refusal(withKey({ kid: 'a'.repeat(33) })).message).toBe('edge config: a key has a bad kid');
    expect(refusal(withKey({ kid: 'k1 ' })).message).toBe('edge config: a key has a bad kid');
    expect(refusal(withKey({ kid: ' k1' })).message).toBe('edge config: a key has a bad kid');
    expect(refusal(withKey({ kid: 7 })).message).toBe('edge config: a key has a bad kid');
    expect(refusal(withKey({ kid: ['k1'] })).message).toBe('edge config: a key has a bad kid');
    expect(refusal(withKey({ kid: 'k1' }, 1)).message).toBe('edge config: key "k1" is listed twice');
    expect(refusal(withKey({ alg: 'RS256' })).message).toBe('edge config: key "k1" has an unsupported alg');
    expect(refusal(withKey({ alg: 'HS256' })).message).toBe('edge config: key "k1" has an unsupported alg');
    expect(refusal(withKey({ spki: 'not a pem' })).message).toBe(
      'edge config: key "k1" is not an SPKI PEM public key',
    );
    expect(refusal(withKey({ spki: undefined })).message).toBe(
      'edge config: key "k1" is not an SPKI PEM public key',
    );
    const config = good();
    (config.keys as unknown[])[1] = null;
    expect(refusal(config).message).toBe('edge config: a key has a bad kid');
    expect(validateEdgeConfig(withKey({ kid: `a-${'0'.repeat(30)}` })).keys[0]!.kid).toHaveLength(32);
  });
});
