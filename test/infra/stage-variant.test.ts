import { rmSync } from 'node:fs';
import { checkAgainstSpec, checkStructure, type SpecLookup } from '../../src/deploy/template-rules';
import { type PackagedStack, packageStack } from './package-stack';
import { loadSpec } from './spec';

// A stage with everything optional switched on: alias domain + certificate, CORS origins, IP-bound
// cookies. One packaging run, on a temp copy whose config/settings.json gains the stage.
const STAGE = 'variant';
const ALIAS = 'media.example.com';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
let stack: PackagedStack;
let spec: SpecLookup;

beforeAll(async () => {
  stack = await packageStack(STAGE, {
    editSettings: (s) => {
      s.stages[STAGE] = {
        secure: true,
        priceClass: 'PriceClass_200',
        aliasDomain: ALIAS,
        certificateArn: CERT,
        allowedOrigins: ['https://player.example.com'],
        cloudFront: { bindIp: true },
      };
    },
  });
  spec = loadSpec();
}, 240_000);

afterAll(() => {
  if (stack) rmSync(stack.dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: reading deep into the template.
type Obj = Record<string, any>;
const dist = (): Obj =>
  (stack.template.Resources.CloudFrontDistribution!.Properties as Obj).DistributionConfig;

describe('a stage with an alias domain, CORS origins and IP-bound cookies', () => {
  it('passes the specification and the structural rules (IPv6 off because of bindIp)', () => {
    expect(checkAgainstSpec(stack.template, spec)).toEqual([]);
    expect(
      checkStructure(stack.template, {
        mediaPathPattern: '/media/*',
        authPathPattern: '/auth/*',
        bindIp: true,
      }),
    ).toEqual([]);
    expect(dist().IPV6Enabled).toBe(false);
    expect(dist().PriceClass).toBe('PriceClass_200');
  });

  it('turns the alias, its certificate and the CORS policy on through their conditions', () => {
    // Other conditions (e.g. HasWaf, issue 9) belong to other settings; these two are this variant's.
    expect(stack.template.Conditions).toMatchObject({
      HasAlias: { 'Fn::Not': [{ 'Fn::Equals': [ALIAS, ''] }] },
      HasCors: { 'Fn::Equals': ['true', 'true'] },
      // waf.enabled is off by default (on only for prod and local): no web ACL, no WebACLId.
      HasWaf: { 'Fn::Equals': ['false', 'true'] },
      IsFunctionMode: { 'Fn::Equals': ['lambda', 'function'] },
    });
    expect(dist().Aliases).toEqual({ 'Fn::If': ['HasAlias', [ALIAS], { Ref: 'AWS::NoValue' }] });
    expect(dist().ViewerCertificate['Fn::If'][1]).toEqual({
      AcmCertificateArn: CERT,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2025',
    });
    const cors = stack.template.Resources.MediaCorsPolicy!;
    expect(cors.Condition).toBe('HasCors');
    expect(
      (cors.Properties as Obj).ResponseHeadersPolicyConfig.CorsConfig.AccessControlAllowOrigins.Items,
    ).toEqual(['https://player.example.com']);
  });

  it('tells the login function its public host and points the sign-in URL at the alias', () => {
    const env = (stack.template.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables;
    expect(env.EDGE_AUTH_PUBLIC_HOST).toBe(ALIAS);
    expect(stack.template.Outputs!.SignInUrl!.Value).toBe(`https://${ALIAS}/`);
  });
});
