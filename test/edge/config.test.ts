import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSettings } from '../../src/config/settings';
import { EdgeConfigError, validateEdgeConfig } from '../../src/edge/config';
import { buildEdgeConfig } from '../../src/edge/config-build';
import { sessionKey, writeTestKeyring } from '../session/fixtures';

describe('buildEdgeConfig', () => {
  it('bakes settings and every session public key, the signing key first', () => {
    const k1 = sessionKey('k1');
    const k2 = sessionKey('k2', 'ed25519');
    const dir = writeTestKeyring([k2, k1]);
    const config = buildEdgeConfig(resolveSettings('prod'), dir);
    expect(config).toMatchObject({
      stage: 'prod',
      cookieName: '__Host-edge_session',
      protectedPrefix: '/media/',
      issuer: 'edge-auth',
      audience: 'edge-auth-media',
    });
    expect(config.keys.map((k) => [k.kid, k.alg])).toEqual([
      ['k2', 'EdDSA'],
      ['k1', 'ES256'],
    ]);
    expect(JSON.stringify(config)).not.toMatch(/PRIVATE/);
  });

  it('uses the plain cookie name on the insecure local stage', () => {
    const config = buildEdgeConfig(resolveSettings('local'), writeTestKeyring([sessionKey('k1')]));
    expect(config.cookieName).toBe('edge_session');
    expect(config.allowedOrigins).toContain('http://localhost:3000');
  });

  it('fails with ERR_EDGE_CONFIG when the keyring is missing', () => {
    expect(() => buildEdgeConfig(resolveSettings('dev'), '/nonexistent/keys')).toThrow(
      expect.objectContaining({ code: 'ERR_EDGE_CONFIG', message: expect.stringContaining('keyring.json') }),
    );
  });

  it('refuses a private key or an RSA key in the public key file, without echoing it', () => {
    const k1 = sessionKey('k1');
    const dir = writeTestKeyring([k1]);
    writeFileSync(join(dir, 'session-k1.pub.pem'), k1.privateKeyPem);
    let error: unknown;
    try {
      buildEdgeConfig(resolveSettings('dev'), dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeConfigError);
    expect((error as Error).message).toMatch(/private key/);
    expect((error as Error).message).not.toContain(k1.privateKeyPem.split('\n')[1]);

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    writeFileSync(join(dir, 'session-k1.pub.pem'), rsa);
    expect(() => buildEdgeConfig(resolveSettings('dev'), dir)).toThrow(/ECDSA P-256 or Ed25519/);
  });

  it('validateEdgeConfig names the bad field', () => {
    const good = buildEdgeConfig(resolveSettings('dev'), writeTestKeyring([sessionKey('k1')]));
    expect(validateEdgeConfig(structuredClone(good))).toEqual(good);
    expect(() => validateEdgeConfig({ ...good, keys: [] })).toThrow(/keys/);
    expect(() => validateEdgeConfig({ ...good, allowedOrigins: ['javascript:x'] })).toThrow(/allowedOrigins/);
    expect(() => validateEdgeConfig({ ...good, protectedPrefix: '/' })).toThrow(/protectedPrefix/);
    expect(() => validateEdgeConfig(undefined)).toThrow(EdgeConfigError);
  });
});
