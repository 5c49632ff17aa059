import { resolveSettings, type Settings } from '../../src/config/settings';
import { EdgeConfigError } from '../../src/edge/config';
import { buildFunctionEdgeConfig } from '../../src/edge/function-config';

/**
 * The config baked into the CloudFront Function (`function` edge mode): the settings the decision
 * reads, marked as the function mode, and never a key (the HMAC keys live in the KeyValueStore).
 */
describe('buildFunctionEdgeConfig', () => {
  const dev = resolveSettings('dev');

  it('bakes in the stage settings the decision reads, and no keys', () => {
    const config = buildFunctionEdgeConfig(dev);
    expect(config).toEqual({
      version: 1,
      mode: 'function',
      stage: 'dev',
      issuer: dev.session.issuer,
      audience: dev.session.audience,
      cookieName: dev.secure ? `__Host-${dev.session.cookieName}` : dev.session.cookieName,
      protectedPrefix: dev.protectedPrefix,
      signInPath: dev.signInPath,
      allowedOrigins: dev.allowedOrigins,
      clockSkewSeconds: dev.session.clockSkewSeconds,
    });
    expect(config).not.toHaveProperty('keys');
    expect(config).not.toHaveProperty('sessionCacheSize');
  });

  it.each([
    [
      'an empty cookie name',
      (s: Settings): Settings => ({ ...s, secure: false, session: { ...s.session, cookieName: '' } }),
    ],
    [
      'a protected prefix without its closing slash',
      (s: Settings): Settings => ({ ...s, protectedPrefix: '/media' }),
    ],
  ])('refuses %s as ERR_EDGE_CONFIG naming the stage', (_name, spoil) => {
    let error: unknown;
    try {
      buildFunctionEdgeConfig(spoil(dev));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgeConfigError);
    expect((error as Error).message).toBe('stage "dev": no usable function edge config');
  });
});
