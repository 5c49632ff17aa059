import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { denialResponse, fromCloudFront, requestOf, toCloudFrontResult } from '../src/edge/cloudfront';
import { type EdgeConfig, validateEdgeConfig } from '../src/edge/config';
import { createEdgeRuntime, decide, type EdgeRuntime } from '../src/edge/decide';

/** Baked at build time by esbuild `define` (scripts/edge-define.cjs): Lambda@Edge has no environment variables. */
declare const __EDGE_AUTH_CONFIG__: unknown;

export type ViewerRequestResult = CloudFrontRequest | CloudFrontResultResponse;

export interface ViewerRequestOptions {
  /** Epoch ms; tests and benches pass their own clock. */
  now?: () => number;
  /** One line per denial (codes only, never cookie or token values). */
  log?: (entry: { edgeAuth: string; code: string; reason: string }) => void;
}

const defaultLog = (entry: object) => console.log(JSON.stringify(entry));

/** A viewer-request handler for a config; all per-container work (key parsing) happens here, once. */
export function createViewerRequestHandler(config: unknown, options: ViewerRequestOptions = {}) {
  const now = options.now ?? Date.now;
  const log = options.log ?? defaultLog;
  let valid: EdgeConfig | undefined;
  let rt: EdgeRuntime | undefined;
  try {
    valid = validateEdgeConfig(config);
    rt = createEdgeRuntime(valid);
  } catch {
    rt = undefined;
  }

  return async (event: CloudFrontRequestEvent): Promise<ViewerRequestResult> => {
    try {
      if (!rt) {
        log({ edgeAuth: 'deny', code: 'ERR_EDGE_INTERNAL', reason: 'bad-config' });
        return denialResponse(403, 'ERR_EDGE_INTERNAL', undefined, valid);
      }
      const request = requestOf(event);
      const edgeRequest = fromCloudFront(request);
      const decision = decide(edgeRequest, rt, now());
      if (decision.kind !== 'allow')
        log({ edgeAuth: decision.kind, code: decision.code, reason: decision.reason });
      return toCloudFrontResult(decision, request, edgeRequest, rt.config);
    } catch {
      // Never a 502: an unexpected failure is a logged 403.
      log({ edgeAuth: 'deny', code: 'ERR_EDGE_INTERNAL', reason: 'internal-error' });
      return denialResponse(403, 'ERR_EDGE_INTERNAL', undefined, valid);
    }
  };
}

export const handler = createViewerRequestHandler(
  typeof __EDGE_AUTH_CONFIG__ === 'undefined' ? undefined : __EDGE_AUTH_CONFIG__,
);
