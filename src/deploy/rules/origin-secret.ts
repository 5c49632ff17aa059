import { ORIGIN_SECRET_HEADER as ORIGIN_SECRET_HEADER_NAME } from '../../login/headers';
import type { TemplateRule, Violation } from '../template-rules';
import { distributionOf, isObj, list, type Obj } from './read-template';

const RESOLVE = /^\{\{resolve:ssm:(\/edge-auth\/[A-Za-z0-9_.-]+\/origin-secret\/[a-z0-9-]{1,32})\}\}$/;

/**
 * `auth/origin-secret`: the `/auth/*` origin adds `x-auth-origin-secret` with a value CloudFormation
 * resolves from SSM at deploy time, and the login function reads that very parameter (and, during a
 * rotation, one previous parameter). Anything computed from the stack (its id, its name) is
 * readable by whoever can describe the stack, so the value must come from a parameter.
 */
export const originSecretRule: TemplateRule = {
  name: 'auth/origin-secret',
  source:
    'edge-auth design (issue 8 item 5); CloudFormation User Guide, "Get a secure string value from Systems Manager Parameter Store", section "Resources that support dynamic parameter patterns for secure strings" (CloudFront is not listed, so the parameter is a String resolved with {{resolve:ssm:…}})',
  check(template, options) {
    const out: Violation[] = [];
    const dist = distributionOf(template);
    if (!dist) return out;
    const where = `${dist.id}.${options.authPathPattern}`;
    const fail = (message: string) => out.push({ rule: 'auth/origin-secret', where, message });
    const auth = dist.behavior(options.authPathPattern);
    const origin = auth ? dist.origin(auth.TargetOriginId) : undefined;
    if (!origin) return out; // auth/behavior and auth/function-url-origin report these
    const headers = list(origin.OriginCustomHeaders).filter(isObj);
    const header = headers.find((h) => String(h.HeaderName).toLowerCase() === ORIGIN_SECRET_HEADER_NAME);
    const value = header?.HeaderValue;
    const parameter = typeof value === 'string' ? RESOLVE.exec(value)?.[1] : undefined;
    if (!header) {
      fail(
        `the ${options.authPathPattern} origin must add ${ORIGIN_SECRET_HEADER_NAME} (the function URL is public)`,
      );
      return out;
    }
    if (!parameter) {
      fail(
        `${ORIGIN_SECRET_HEADER_NAME} must be {{resolve:ssm:/edge-auth/<stage>/origin-secret/<id>}}: a value computed from the stack is no secret`,
      );
      return out;
    }
    const login = template.Resources.LoginLambdaFunction;
    const env = (
      isObj(login?.Properties?.Environment) ? (login!.Properties!.Environment as Obj).Variables : {}
    ) as Obj | undefined;
    if (env?.EDGE_AUTH_ORIGIN_SECRET !== `ssm:${parameter}`)
      fail(
        `the login function's EDGE_AUTH_ORIGIN_SECRET must be ssm:${parameter}, the parameter CloudFront sends`,
      );
    const previous = env?.EDGE_AUTH_ORIGIN_SECRET_PREVIOUS;
    if (previous !== undefined && (typeof previous !== 'string' || !RESOLVE.test(`{{resolve:${previous}}}`)))
      fail('EDGE_AUTH_ORIGIN_SECRET_PREVIOUS must name an origin-secret SSM parameter');
    if (previous === `ssm:${parameter}`)
      fail('EDGE_AUTH_ORIGIN_SECRET_PREVIOUS must differ from the current one');
    return out;
  },
};
