import type { Settings } from '../config/settings';
import { type EdgeConfig, EdgeConfigError } from './config';
import { sharedEdgeConfig } from './config-build';

/**
 * What the CloudFront Function of the `function` edge mode knows, baked into its code at build
 * time (esbuild `define` of `__EDGE_AUTH_FUNCTION_CONFIG__`): CloudFront Functions have no
 * environment either. No keys: the HMAC keys are read from the associated KeyValueStore by kid.
 */
export type FunctionEdgeConfig = Omit<EdgeConfig, 'sessionCacheSize' | 'keys'> & { mode: 'function' };

export function buildFunctionEdgeConfig(settings: Settings): FunctionEdgeConfig {
  const config: FunctionEdgeConfig = { ...sharedEdgeConfig(settings), mode: 'function' };
  // Settings were validated already; this guards the one thing the function cannot survive.
  if (!config.cookieName || !config.protectedPrefix.endsWith('/'))
    throw new EdgeConfigError(`stage "${settings.stage}": no usable function edge config`);
  return config;
}
