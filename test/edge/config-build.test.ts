import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSettings } from '../../src/config/settings';
import { EdgeConfigError } from '../../src/edge/config';
import { buildEdgeConfig, edgeDefines } from '../../src/edge/config-build';
import { sessionKey, writeTestKeyring } from '../session/fixtures';

/**
 * Building the baked edge config from a stage's keyring: the key that signs comes first (nearly
 * every token names it), a broken keyring fails the build naming the stage, and the esbuild
 * define is exactly that config as JSON.
 */
describe('buildEdgeConfig from a keyring', () => {
  it('puts the signing key first wherever the keyring lists it', () => {
    const dir = writeTestKeyring([sessionKey('k1'), sessionKey('k2', 'ed25519'), sessionKey('k3')]);
    const keyringFile = join(dir, 'keyring.json');
    const keyring = JSON.parse(readFileSync(keyringFile, 'utf8'));
    for (const signing of ['k2', 'k3', 'k1']) {
      writeFileSync(
        keyringFile,
        JSON.stringify({ ...keyring, signing: { ...keyring.signing, session: signing } }),
      );
      const kids = buildEdgeConfig(resolveSettings('dev'), dir).keys.map((k) => k.kid);
      expect(kids[0]).toBe(signing);
      // The others keep the keyring's order.
      expect(kids.slice(1)).toEqual(['k1', 'k2', 'k3'].filter((k) => k !== signing));
    }
  });

  it('a broken keyring fails as ERR_EDGE_CONFIG naming the stage', () => {
    const dir = writeTestKeyring([sessionKey('k1')]);
    writeFileSync(join(dir, 'session-k1.pub.pem'), 'not a key');
    let error: unknown;
    try {
      buildEdgeConfig(resolveSettings('prod'), dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeConfigError);
    expect((error as Error).message).toMatch(
      /^stage "prod": session key "k1" \(session-k1\.pub\.pem\) is not a PEM public key$/,
    );
  });
});

describe('edgeDefines', () => {
  it('is the built config as one JSON define', () => {
    const dir = writeTestKeyring([sessionKey('k1')]);
    const defines = edgeDefines('dev', '/nonexistent-root', dir);
    expect(Object.keys(defines)).toEqual(['__EDGE_AUTH_CONFIG__']);
    expect(JSON.parse(defines.__EDGE_AUTH_CONFIG__!)).toEqual(buildEdgeConfig(resolveSettings('dev'), dir));
  });

  it('reads keys/<stage> under the root by default', () => {
    const dir = writeTestKeyring([sessionKey('k1')]);
    expect(() => edgeDefines('dev', '/nonexistent-root')).toThrow(
      /^stage "dev": .*\/nonexistent-root\/keys\/dev/,
    );
    expect(JSON.parse(edgeDefines('dev', '/x', dir).__EDGE_AUTH_CONFIG__!).stage).toBe('dev');
  });
});
