// CloudFront Function (cloudfront-js-2.0), viewer request on the protected behavior, `function`
// edge mode. Bundled by scripts/build-function.ts into one file of at most 10 KB that imports only
// the runtime's own `crypto` and `cloudfront` modules, with the stage's config baked in.
import cf from 'cloudfront';
// biome-ignore lint/style/useNodejsImportProtocol: the CloudFront Functions runtime module is `crypto`; `node:crypto` does not exist there.
import crypto from 'crypto';
import {
  decideFunctionMode,
  type FnRequest,
  fromFunctionRequest,
  functionDenial,
  toFunctionResult,
} from '../../src/edge/decide-function';
import type { FunctionEdgeConfig } from '../../src/edge/function-config';

declare const __EDGE_AUTH_FUNCTION_CONFIG__: FunctionEdgeConfig;

const config = __EDGE_AUTH_FUNCTION_CONFIG__;
// "Helper methods for key value stores": the handle of the store associated with this function.
const kvs = cf.kvs();

// Named top-level async functions only: the runtime 2.0 page says async closures are not supported.
async function kvsGet(key: string): Promise<string | undefined> {
  try {
    return await kvs.get(key);
  } catch {
    // get() rejects for a key that does not exist.
    return undefined;
  }
}
const store = { get: kvsGet };

const hmac = (secret: string, input: string): string =>
  crypto.createHmac('sha256', Buffer.from(secret, 'base64url')).update(input).digest('base64url');

export async function handler(event: { request: FnRequest }) {
  try {
    const request = event.request;
    const edgeRequest = fromFunctionRequest(request);
    // Date.now() is the time the request started (the runtime freezes it during one invocation).
    const decision = await decideFunctionMode(edgeRequest, config, Date.now(), store, hmac);
    return toFunctionResult(decision, request, edgeRequest, config);
  } catch {
    // Never a 503 FunctionExecutionError: an unexpected failure is a 403 with our code.
    return functionDenial(403, 'ERR_EDGE_INTERNAL', undefined, config);
  }
}
