import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_EDGE_VIEWER_LIMITS } from '../../src/cloudfront/aws-rules';
import { resolveSettings } from '../../src/config/settings';
import {
  checkAgainstSpec,
  checkStructure,
  type RuleOptions,
  type SpecLookup,
  STRUCTURE_RULES,
  type Template,
} from '../../src/deploy/template-rules';
import { loadEvent } from '../session/fixtures';
import { expectKvsStack, KVS_BREAKS } from './kvs-breaks';
import { type PackagedStack, packageStack } from './package-stack';
import { loadSpec } from './spec';
import { WAF_BREAKS } from './waf-breaks';
import { readZip } from './zip';

// One packaging run for the whole file (~10 s): `serverless package --stage prod` without AWS credentials.
const STAGE = 'prod';
let stack: PackagedStack;
let spec: SpecLookup;
let isolated: string;
const settings = resolveSettings(STAGE);
const options: RuleOptions = {
  mediaPathPattern: `${settings.protectedPrefix}*`,
  authPathPattern: `${settings.authPrefix}*`,
  bindIp: settings.cloudFront.bindIp,
  waf: settings.waf,
};

beforeAll(async () => {
  stack = await packageStack(STAGE);
  spec = loadSpec();
  isolated = mkdtempSync(join(tmpdir(), 'edge-auth-bundle-'));
  if (stack.standIns.length > 0)
    console.warn(`packaged with stand-ins for missing ${stack.standIns.join(', ')}`);
}, 240_000);

afterAll(() => {
  if (stack) rmSync(stack.dir, { recursive: true, force: true });
  if (isolated) rmSync(isolated, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: mutations reach deep into the template on purpose.
type Obj = Record<string, any>;
const clone = (): Template => structuredClone(stack.template);
const idOfType = (t: Template, type: string) =>
  Object.keys(t.Resources).find((id) => t.Resources[id]!.Type === type)!;
const props = (t: Template, type: string): Obj => t.Resources[idOfType(t, type)]!.Properties as Obj;
const bucket = (t: Template): Obj => t.Resources.MediaBucket!.Properties as Obj;
const bucketPolicy = (t: Template): Obj => t.Resources.MediaBucketPolicy!.Properties as Obj;
const dist = (t: Template): Obj => props(t, 'AWS::CloudFront::Distribution').DistributionConfig;
const behavior = (t: Template, pattern: string): Obj =>
  dist(t).CacheBehaviors.find((b: Obj) => b.PathPattern === pattern);
const media = (t: Template) => behavior(t, options.mediaPathPattern);
const auth = (t: Template) => behavior(t, options.authPathPattern);
const edgeFn = (t: Template): Obj => t.Resources.ViewerRequestLambdaFunction!.Properties as Obj;
const rulesOf = (t: Template) => [...checkAgainstSpec(t, spec), ...checkStructure(t, options)];

describe('packaged stack', () => {
  it('every resource, property, Ref and GetAtt is in the CloudFormation specification', () => {
    expect(checkAgainstSpec(stack.template, spec)).toEqual([]);
  });

  it('has the KeyValueStore, its hourly cleanup and IAM scoped to it (revocations)', () => {
    expectKvsStack(stack.template, (name) => stack.artifact(name));
  });

  it('keeps every structural rule (key group, OAI, cookies out of the cache key, edge limits, …)', () => {
    expect(checkStructure(stack.template, options)).toEqual([]);
  });

  it('has the resources the issue lists', () => {
    const types = Object.values(stack.template.Resources).map((r) => r.Type);
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::S3::BucketPolicy',
      'AWS::CloudFront::CloudFrontOriginAccessIdentity',
      'AWS::CloudFront::PublicKey',
      'AWS::CloudFront::KeyGroup',
      'AWS::CloudFront::Distribution',
      'AWS::CloudFront::CachePolicy',
      'AWS::CloudFront::Function',
      'AWS::Lambda::Url',
      'AWS::Lambda::Version',
    ]) {
      expect(types).toContain(type);
    }
    // The public key in the template is the one `keys init` wrote.
    const keyring = JSON.parse(readFileSync(join(stack.dir, 'keys', STAGE, 'keyring.json'), 'utf8'));
    const pem = readFileSync(join(stack.dir, 'keys', STAGE, keyring.cloudFront[0].publicKeyFile), 'utf8');
    expect(props(stack.template, 'AWS::CloudFront::PublicKey').PublicKeyConfig.EncodedKey).toBe(pem);
  });

  it('gives the login function its settings as environment variables', () => {
    const env = (stack.template.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables;
    const keyring = JSON.parse(readFileSync(join(stack.dir, 'keys', STAGE, 'keyring.json'), 'utf8'));
    expect(env).toMatchObject({
      EDGE_AUTH_STAGE: STAGE,
      EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: `ssm:/edge-auth/${STAGE}/cloudfront/${keyring.signing.cloudFront}`,
      EDGE_AUTH_SESSION_PRIVATE_KEY: `ssm:/edge-auth/${STAGE}/session/${keyring.signing.session}`,
      EDGE_AUTH_SESSION_KID: keyring.signing.session,
      EDGE_AUTH_USERS: `ssm:/edge-auth/${STAGE}/users`,
    });
    expect(env.EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID.Ref).toMatch(/^CloudFrontPublicKey/);
  });

  it('edge zip: under 1 MB, config baked in, no private key, no AWS SDK', () => {
    const zip = stack.artifact('viewerRequest.zip');
    console.log(`edge zip viewerRequest.zip: ${zip.length} bytes (${(zip.length / 1024).toFixed(1)} KB)`);
    // Lambda@Edge viewer-event quota (aws-rules: lambda-edge/viewer-event-quotas).
    expect(zip.length).toBeLessThanOrEqual(LAMBDA_EDGE_VIEWER_LIMITS.value.zippedCodeBytes);
    const entries = readZip(zip);
    expect(entries.length).toBeGreaterThan(0);
    const text = entries.map((e) => e.data.toString('latin1')).join('\n');
    expect(entries.map((e) => e.name).filter((n) => n.includes('node_modules'))).toEqual([]);
    expect(text).not.toMatch(/@aws-sdk\/|@smithy\/|require\(["']aws-sdk/);
    expect(text).not.toContain('__EDGE_AUTH_CONFIG__');
    expect(text).not.toMatch(/PRIVATE KEY/);
    const keysDir = join(stack.dir, 'keys', STAGE);
    for (const file of readdirSync(keysDir).filter((f) => f.endsWith('.key.pem'))) {
      const body = readFileSync(join(keysDir, file), 'utf8').replace(/-----[^-]+-----|\s/g, '');
      expect(text).not.toContain(body.slice(40, 80));
    }
  });

  it('edge bundle loads, and answers a request without a session from its baked config', async () => {
    const entry = readZip(stack.artifact('viewerRequest.zip')).find(
      (e) => e.name === 'functions/viewer-request.js',
    );
    expect(entry).toBeDefined();
    // Outside the project, so a package left out of the bundle cannot be found in node_modules.
    const file = join(isolated, 'viewer-request.js');
    writeFileSync(file, entry!.data);
    const requires = [...entry!.data.toString('utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(requires.filter((r) => !builtinModules.includes(r.replace(/^node:/, '')))).toEqual([]);
    const mod = require(file) as { handler?: (event: unknown) => Promise<Obj> };
    expect(typeof mod.handler).toBe('function');
    const event = loadEvent('cloudfront/viewer-request');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const result = await mod.handler!(event);
      // A refusal computed from the baked config, not the fallback for a missing or broken config.
      expect(['401', '403', '302']).toContain(result.status);
      expect(JSON.stringify(result)).not.toContain('ERR_EDGE_INTERNAL');
    } finally {
      log.mockRestore();
    }
  });

  it('login bundle loads and exports its handler', () => {
    const entry = readZip(stack.artifact('login.zip')).find((e) => e.name === 'functions/login.js');
    expect(entry).toBeDefined();
    const file = join(isolated, 'login.js');
    writeFileSync(file, entry!.data);
    expect(typeof (require(file) as { handler?: unknown }).handler).toBe('function');
  });

  it('login zip carries no private key either (they come from SSM at run time)', () => {
    const text = readZip(stack.artifact('login.zip'))
      .map((e) => e.data.toString('latin1'))
      .join('\n');
    const keysDir = join(stack.dir, 'keys', STAGE);
    for (const file of readdirSync(keysDir).filter((f) => f.endsWith('.key.pem'))) {
      const body = readFileSync(join(keysDir, file), 'utf8').replace(/-----[^-]+-----|\s/g, '');
      expect(text).not.toContain(body.slice(40, 80));
    }
  });
});

/** One template change per rule: each must fail with a message naming that rule. */
const BREAKS: [rule: string, how: string, mutate: (t: Template) => void][] = [
  [
    'spec/unknown-property',
    'unknown distribution property',
    (t) => {
      dist(t).Bogus = true;
    },
  ],
  [
    'spec/required-property',
    'key group without a Name',
    (t) => {
      delete props(t, 'AWS::CloudFront::KeyGroup').KeyGroupConfig.Name;
    },
  ],
  [
    'spec/property-type',
    'Enabled as an object',
    (t) => {
      dist(t).Enabled = { yes: 1 };
    },
  ],
  [
    'spec/resource-type',
    'misspelt resource type',
    (t) => {
      t.Resources.MediaCachePolicy!.Type = 'AWS::CloudFront::CachePolicyy';
    },
  ],
  [
    'spec/getatt',
    'GetAtt of a missing attribute',
    (t) => {
      auth(t).FunctionAssociations[0].FunctionARN['Fn::GetAtt'][1] = 'Arn';
    },
  ],
  [
    'template/ref-target',
    'Ref to nothing',
    (t) => {
      media(t).CachePolicyId = { Ref: 'NoSuchPolicy' };
    },
  ],
  [
    'bucket/block-public-access',
    'BlockPublicPolicy off',
    (t) => {
      bucket(t).PublicAccessBlockConfiguration.BlockPublicPolicy = false;
    },
  ],
  [
    'bucket/encryption',
    'no default encryption',
    (t) => {
      delete bucket(t).BucketEncryption;
    },
  ],
  [
    'bucket/owner-enforced',
    'ObjectWriter ownership',
    (t) => {
      bucket(t).OwnershipControls.Rules[0].ObjectOwnership = 'ObjectWriter';
    },
  ],
  [
    'bucket/policy-principal-oai',
    'public read',
    (t) => {
      bucketPolicy(t).PolicyDocument.Statement[0].Principal = '*';
    },
  ],
  [
    'bucket/deny-insecure-transport',
    'no TLS deny',
    (t) => {
      const s = bucketPolicy(t).PolicyDocument;
      s.Statement = s.Statement.filter((x: Obj) => x.Effect !== 'Deny');
    },
  ],
  [
    'media/trusted-key-group',
    'no TrustedKeyGroups',
    (t) => {
      delete media(t).TrustedKeyGroups;
    },
  ],
  [
    'media/oai-origin',
    'media origin without OAI',
    (t) => {
      dist(t).Origins.find((o: Obj) => o.Id === media(t).TargetOriginId).S3OriginConfig.OriginAccessIdentity =
        '';
    },
  ],
  [
    'media/cookies-not-in-cache-key',
    'cookies in the cache key',
    (t) => {
      props(
        t,
        'AWS::CloudFront::CachePolicy',
      ).CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig.CookieBehavior = 'all';
    },
  ],
  [
    'media/edge-association',
    'edge function on $LATEST',
    (t) => {
      media(t).LambdaFunctionAssociations[0].LambdaFunctionARN = {
        'Fn::GetAtt': ['ViewerRequestLambdaFunction', 'Arn'],
      };
    },
  ],
  [
    'media/edge-association',
    'no edge association',
    (t) => {
      delete media(t).LambdaFunctionAssociations;
    },
  ],
  [
    'media/https',
    'plain HTTP media',
    (t) => {
      media(t).ViewerProtocolPolicy = 'allow-all';
    },
  ],
  [
    'media/read-only',
    'POST on media',
    (t) => {
      media(t).AllowedMethods = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'];
    },
  ],
  [
    'edge/no-environment',
    'edge environment',
    (t) => {
      edgeFn(t).Environment = { Variables: { A: '1' } };
    },
  ],
  [
    'edge/memory',
    'edge 256 MB',
    (t) => {
      edgeFn(t).MemorySize = 256;
    },
  ],
  [
    'edge/timeout',
    'edge 10 s',
    (t) => {
      edgeFn(t).Timeout = 10;
    },
  ],
  [
    'edge/architecture',
    'edge on arm64',
    (t) => {
      edgeFn(t).Architectures = ['arm64'];
    },
  ],
  [
    'edge/runtime',
    'edge on java',
    (t) => {
      edgeFn(t).Runtime = 'java21';
    },
  ],
  [
    'edge/no-layers',
    'edge with a layer',
    (t) => {
      edgeFn(t).Layers = ['arn:aws:lambda:us-east-1:1:layer:x:1'];
    },
  ],
  [
    'edge/no-vpc',
    'edge in a VPC',
    (t) => {
      edgeFn(t).VpcConfig = { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] };
    },
  ],
  [
    'auth/https',
    'plain HTTP sign-in',
    (t) => {
      auth(t).ViewerProtocolPolicy = 'allow-all';
    },
  ],
  [
    'origin/custom-header-names',
    'an X-Edge- origin custom header',
    (t) => {
      const origin = dist(t).Origins.find((o: Obj) => o.Id === auth(t).TargetOriginId);
      origin.OriginCustomHeaders[0].HeaderName = 'X-Edge-Auth-Origin-Secret';
    },
  ],
  [
    'origin/custom-header-names',
    'an X-Amz- custom header on the S3 origin',
    (t) => {
      const origin = dist(t).Origins.find((o: Obj) => o.Id === media(t).TargetOriginId);
      origin.OriginCustomHeaders = [{ HeaderName: 'X-Amz-Meta-Stage', HeaderValue: 'prod' }];
    },
  ],
  [
    'cloudfront-function/added-headers',
    'the viewer-host function adds x-edge-foo',
    (t) => {
      const fn = props(t, 'AWS::CloudFront::Function');
      fn.FunctionCode = fn.FunctionCode.replace("'x-auth-viewer-ip'", "'x-edge-foo'");
    },
  ],
  [
    'cloudfront-function/added-headers',
    'the viewer-host function rewrites the read-only Host',
    (t) => {
      const fn = props(t, 'AWS::CloudFront::Function');
      fn.FunctionCode = fn.FunctionCode.replace(
        'return request;',
        "request.headers.host = { value: 'x' }; return request;",
      );
    },
  ],
  [
    'cloudfront-function/code-size',
    'function code over 10 KB',
    (t) => {
      const fn = props(t, 'AWS::CloudFront::Function');
      fn.FunctionCode = `${fn.FunctionCode}\n// ${'x'.repeat(10 * 1024)}`;
    },
  ],
  [
    'cloudfront-function/runtime',
    'cloudfront-js-1.0',
    (t) => {
      props(t, 'AWS::CloudFront::Function').FunctionConfig.Runtime = 'cloudfront-js-1.0';
    },
  ],
  [
    'response-headers/custom-header-names',
    'a response headers policy sets X-Amz-Foo',
    (t) => {
      t.Resources.ExtraHeadersPolicy = {
        Type: 'AWS::CloudFront::ResponseHeadersPolicy',
        Properties: {
          ResponseHeadersPolicyConfig: {
            Name: 'extra',
            CustomHeadersConfig: { Items: [{ Header: 'X-Amz-Foo', Value: '1', Override: true }] },
          },
        },
      };
    },
  ],
  [
    'auth/caching-disabled',
    'cached auth',
    (t) => {
      auth(t).CachePolicyId = '658327ea-f89d-4fab-a63d-7e88639e58f6';
    },
  ],
  [
    'auth/forward-viewer',
    'Host forwarded to the function URL',
    (t) => {
      auth(t).OriginRequestPolicyId = '216adef6-5c7f-47e4-b989-5492eafa07d3';
    },
  ],
  [
    'auth/all-methods',
    'auth GET only',
    (t) => {
      auth(t).AllowedMethods = ['GET', 'HEAD'];
    },
  ],
  [
    'auth/origin-secret',
    'no origin secret header on the login origin',
    (t) => {
      const origin = dist(t).Origins.find((o: Obj) => o.Id === auth(t).TargetOriginId);
      delete origin.OriginCustomHeaders;
    },
  ],
  [
    'auth/origin-secret',
    'the login function does not check the origin secret',
    (t) => {
      delete (t.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables
        .EDGE_AUTH_ORIGIN_SECRET;
    },
  ],
  [
    'auth/origin-secret',
    'a constant instead of the SSM parameter',
    (t) => {
      const origin = dist(t).Origins.find((o: Obj) => o.Id === auth(t).TargetOriginId);
      origin.OriginCustomHeaders[0].HeaderValue = 'a-constant-anyone-could-guess';
    },
  ],
  [
    'auth/origin-secret',
    "the stack's UUID, readable by whoever can describe the stack",
    (t) => {
      const origin = dist(t).Origins.find((o: Obj) => o.Id === auth(t).TargetOriginId);
      const uuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
      origin.OriginCustomHeaders[0].HeaderValue = uuid;
      (t.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables.EDGE_AUTH_ORIGIN_SECRET =
        uuid;
    },
  ],
  [
    'auth/origin-secret',
    'header and function read different parameters',
    (t) => {
      (t.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables.EDGE_AUTH_ORIGIN_SECRET =
        'ssm:/edge-auth/prod/origin-secret/20200101-dead';
    },
  ],
  [
    'auth/viewer-host-function',
    'no viewer-host function',
    (t) => {
      delete auth(t).FunctionAssociations;
    },
  ],
  [
    'auth/function-url-origin',
    'auth to the bucket',
    (t) => {
      auth(t).TargetOriginId = media(t).TargetOriginId;
    },
  ],
  [
    'default/pages',
    'signed pages',
    (t) => {
      dist(t).DefaultCacheBehavior.TrustedKeyGroups = media(t).TrustedKeyGroups;
    },
  ],
  [
    'default/pages-origin-path',
    'pages from the bucket root',
    (t) => {
      dist(t).DefaultCacheBehavior.TargetOriginId = media(t).TargetOriginId;
    },
  ],
  [
    'distribution/http3',
    'HTTP/2 only',
    (t) => {
      dist(t).HttpVersion = 'http2';
    },
  ],
  [
    'distribution/ipv6',
    'IPv6 off',
    (t) => {
      dist(t).IPV6Enabled = false;
    },
  ],
  [
    'login/ssm-exact',
    'login reads every parameter',
    (t) => {
      props(t, 'AWS::IAM::Role').Policies;
      const role = t.Resources.LoginRole!.Properties as Obj;
      role.Policies[0].PolicyDocument.Statement[1].Resource = '*';
    },
  ],
  [
    'login/key-pair-id',
    'key pair id hard-coded',
    (t) => {
      (
        t.Resources.LoginLambdaFunction!.Properties as Obj
      ).Environment.Variables.EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID = 'K123';
    },
  ],
  [
    'bucket/origin',
    'distribution reads a bucket of another stack',
    (t) => {
      for (const o of dist(t).Origins) if (o.S3OriginConfig) o.DomainName = 'other.s3.amazonaws.com';
    },
  ],
  [
    'kvs/login-environment',
    'the login function without the KeyValueStore ARN',
    (t) => {
      delete (t.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables.EDGE_AUTH_KVS_ARN;
    },
  ],
  [
    'pages/security-headers',
    'pages without the security headers policy',
    (t) => {
      delete dist(t).DefaultCacheBehavior.ResponseHeadersPolicyId;
    },
  ],
  [
    'distribution/minimum-tls',
    'the alias certificate allows TLS 1.0',
    (t) => {
      dist(t).ViewerCertificate['Fn::If'][1].MinimumProtocolVersion = 'TLSv1';
    },
  ],
  [
    'origin-access/variant',
    'an OAI stage that also creates an OAC',
    (t) => {
      t.Resources.MediaOriginAccessControl = {
        Type: 'AWS::CloudFront::OriginAccessControl',
        Properties: {
          OriginAccessControlConfig: {
            Name: 'x',
            OriginAccessControlOriginType: 's3',
            SigningBehavior: 'always',
            SigningProtocol: 'sigv4',
          },
        },
      };
    },
  ],
  [
    'bucket/policy-principal-oac',
    'an OAI stage whose bucket admits every CloudFront distribution',
    (t) => {
      bucketPolicy(t).PolicyDocument.Statement.push({
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: '*',
      });
    },
  ],
  [
    'outputs',
    'no SignInUrl output',
    (t) => {
      delete t.Outputs!.SignInUrl;
    },
  ],
  ...KVS_BREAKS,
  ...WAF_BREAKS,
];

describe('a template that breaks a rule fails with the rule named', () => {
  it.each(BREAKS)('%s (%s)', (rule, _how, mutate) => {
    const t = clone();
    mutate(t);
    const violations = rulesOf(t);
    expect(violations.map((v) => v.rule)).toContain(rule);
    // …and the untouched template had no such violation, so the mutation caused it.
    expect(rulesOf(stack.template).map((v) => v.rule)).not.toContain(rule);
  });

  it('every rule the checker knows has a breaking case', () => {
    const specSource = readFileSync(join(__dirname, '../../src/deploy/template-rules.ts'), 'utf8');
    const specRules = [...specSource.matchAll(/'((?:spec|template)\/[a-z0-9-]+)'/g)].map((m) => m[1]!);
    expect(specRules.length).toBeGreaterThan(0);
    const known = new Set([...specRules, ...STRUCTURE_RULES.map((r) => r.name)]);
    const covered = new Set(BREAKS.map(([rule]) => rule));
    // The function edge mode's rules only apply to a function-mode stack: its own test breaks them.
    const functionMode = readFileSync(join(__dirname, 'function-mode.test.ts'), 'utf8');
    for (const m of functionMode.matchAll(/toContain\('([a-z-]+\/[a-z0-9-]+)'\)/g)) covered.add(m[1]!);
    // Rules no mutation of this packaged stack can break alone (they guard the others' preconditions).
    const preconditions = ['distribution/one', 'media/behavior', 'auth/behavior', 'login/function'];
    const uncovered = [...known].filter((r) => !covered.has(r) && !preconditions.includes(r));
    expect(uncovered).toEqual([]);
  });

  it('an X-Edge- origin header fails naming the rule and its AWS source (page and section)', () => {
    const t = clone();
    const origin = dist(t).Origins.find((o: Obj) => o.Id === auth(t).TargetOriginId);
    origin.OriginCustomHeaders[0].HeaderName = 'X-Edge-Auth-Origin-Secret';
    const v = checkStructure(t, options).find((x) => x.rule === 'origin/custom-header-names');
    expect(v?.source).toBe(
      'origin-custom-headers/denylist (Amazon CloudFront Developer Guide, "Add custom headers to origin requests", section "Custom headers that CloudFront can\'t add to origin requests")',
    );
    expect(v?.message).toContain('X-Edge-Auth-Origin-Secret');
    expect(v?.message).toContain("Custom headers that CloudFront can't add to origin requests");
  });

  it('every structural rule has a unique name and a source, and its failures carry both', () => {
    const names = STRUCTURE_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of STRUCTURE_RULES) expect(r.source.length).toBeGreaterThan(0);
    const t = clone();
    media(t).ViewerProtocolPolicy = 'allow-all';
    const v = checkStructure(t, options).find((x) => x.rule === 'media/https');
    expect(v?.source).toBe(STRUCTURE_RULES.find((r) => r.name === 'media/https')!.source);
  });
});
