import { type Settings, sessionCookieName } from '../config/settings';
import { EdgeConfigError } from './config';

/**
 * What the CloudFront Function of the `function` edge mode knows, baked into its code at build
 * time (esbuild `define` of `__EDGE_AUTH_FUNCTION_CONFIG__`): CloudFront Functions have no
 * environment either. No keys: the HMAC keys are read from the associated KeyValueStore by kid.
 */
export interface FunctionEdgeConfig {
  version: 1;
  mode: 'function';
  stage: string;
  issuer: string;
  audience: string;
  cookieName: string;
  protectedPrefix: string;
  signInPath: string;
  allowedOrigins: string[];
  clockSkewSeconds: number;
}

export function buildFunctionEdgeConfig(settings: Settings): FunctionEdgeConfig {
  const config: FunctionEdgeConfig = {
    version: 1,
    mode: 'function',
    stage: settings.stage,
    issuer: settings.session.issuer,
    audience: settings.session.audience,
    cookieName: sessionCookieName(settings),
    protectedPrefix: settings.protectedPrefix,
    signInPath: settings.signInPath,
    allowedOrigins: settings.allowedOrigins,
    clockSkewSeconds: settings.session.clockSkewSeconds,
  };
  // Settings were validated already; this guards the one thing the function cannot survive.
  if (!config.cookieName || !config.protectedPrefix.endsWith('/'))
    throw new EdgeConfigError(`stage "${settings.stage}": no usable function edge config`);
  return config;
}
