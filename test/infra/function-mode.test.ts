import { rmSync } from 'node:fs';
import {
  checkAgainstSpec,
  checkStructure,
  type SpecLookup,
  type Template,
} from '../../src/deploy/template-rules';
import { type PackagedStack, packageStack } from './package-stack';
import { loadSpec } from './spec';

// A stage in the `function` edge mode, packaged offline: the CloudFront Function with its
// KeyValueStore on /media/*, no Lambda@Edge there; spec check, structural rules, and mutations.
const STAGE = 'fnmode';
const options = {
  mediaPathPattern: '/media/*',
  authPathPattern: '/auth/*',
  bindIp: false,
  edgeMode: 'function' as const,
};
let stack: PackagedStack;
let spec: SpecLookup;

beforeAll(async () => {
  stack = await packageStack(STAGE, {
    editSettings: (s) => {
      s.stages[STAGE] = { secure: true, edge: { mode: 'function' } };
    },
  });
  spec = loadSpec();
}, 240_000);

afterAll(() => {
  if (stack) rmSync(stack.dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: reading deep into the template.
type Obj = Record<string, any>;
const media = (t: Template): Obj =>
  (t.Resources.CloudFrontDistribution!.Properties as Obj).DistributionConfig.CacheBehaviors.find(
    (b: Obj) => b.PathPattern === '/media/*',
  );
const rules = (t: Template) => checkStructure(t, options).map((v) => v.rule);

describe('a stage in the function edge mode', () => {
  it('passes the specification and the structural rules', () => {
    expect(checkAgainstSpec(stack.template, spec)).toEqual([]);
    expect(checkStructure(stack.template, options)).toEqual([]);
  });

  it('puts the CloudFront Function with its KeyValueStore on /media/* and no Lambda@Edge', () => {
    const R = stack.template.Resources;
    expect(R.SessionKeyValueStore!.Type).toBe('AWS::CloudFront::KeyValueStore');
    const fn = R.MediaSessionFunction!.Properties as Obj;
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.FunctionConfig.KeyValueStoreAssociations).toEqual([
      { KeyValueStoreARN: { 'Fn::GetAtt': ['SessionKeyValueStore', 'Arn'] } },
    ]);
    expect(Buffer.byteLength(fn.FunctionCode)).toBeLessThanOrEqual(10 * 1024);
    expect(media(stack.template).LambdaFunctionAssociations).toBeUndefined();
    // The framework still versions every function, but nothing associates one with the distribution.
    expect(JSON.stringify(R.CloudFrontDistribution)).not.toContain('LambdaFunctionAssociations');
    expect(stack.template.Conditions!.IsFunctionMode).toEqual({ 'Fn::Equals': ['function', 'function'] });
  });

  it('gives the login function the store, the mode and the HMAC keyring parameter', () => {
    const env = (stack.template.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables;
    expect(env.EDGE_AUTH_EDGE_MODE).toBe('function');
    expect(env.EDGE_AUTH_KVS_ARN).toEqual({ 'Fn::GetAtt': ['SessionKeyValueStore', 'Arn'] });
    expect(env.EDGE_AUTH_SESSION_HMAC_KEYS).toBe(`ssm:/edge-auth/${STAGE}/session-hmac-keys`);
  });

  describe('mutations the rules catch', () => {
    const mutate = (change: (t: Template) => void) => {
      const t = structuredClone(stack.template);
      change(t);
      return rules(t);
    };
    it('a missing KeyValueStore association', () => {
      expect(
        mutate((t) => {
          delete (t.Resources.MediaSessionFunction!.Properties as Obj).FunctionConfig
            .KeyValueStoreAssociations;
        }),
      ).toContain('function-mode/key-value-store');
    });
    it('a Lambda@Edge left on the protected behavior', () => {
      expect(
        mutate((t) => {
          media(t).LambdaFunctionAssociations = [
            { EventType: 'viewer-request', LambdaFunctionARN: { Ref: 'ViewerRequestLambdaVersionX' } },
          ];
        }),
      ).toContain('function-mode/no-lambda-edge');
    });
    it('a function over the size limit', () => {
      expect(
        mutate((t) => {
          const fn = t.Resources.MediaSessionFunction!.Properties as Obj;
          fn.FunctionCode = `${fn.FunctionCode}/*${'x'.repeat(10 * 1024)}*/`;
        }),
      ).toContain('cloudfront-function/code-size');
    });
    it('a wrong runtime', () => {
      expect(
        mutate((t) => {
          (t.Resources.MediaSessionFunction!.Properties as Obj).FunctionConfig.Runtime = 'cloudfront-js-1.0';
        }),
      ).toContain('cloudfront-function/runtime');
    });
    it('no function on the protected behavior', () => {
      expect(
        mutate((t) => {
          delete media(t).FunctionAssociations;
        }),
      ).toContain('function-mode/association');
    });
    it('a login function without the store ARN', () => {
      expect(
        mutate((t) => {
          delete (t.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables.EDGE_AUTH_KVS_ARN;
        }),
      ).toContain('kvs/login-environment');
    });
  });
});
