import { rmSync } from 'node:fs';
import {
  checkAgainstSpec,
  checkStructure,
  type RuleOptions,
  type SpecLookup,
  type Template,
} from '../../src/deploy/template-rules';
import { type PackagedStack, packageStack } from './package-stack';
import { loadSpec } from './spec';

// Two packaging runs of stage variants (temp copies of the project, no AWS credentials): a stage on
// origin access control with an alias certificate, and a stage in the middle of the OAI → OAC switch.
const ALIAS = 'media.example.com';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
let oac: PackagedStack;
let both: PackagedStack;
let spec: SpecLookup;

const optionsFor = (originAccess: RuleOptions['originAccess']): RuleOptions => ({
  mediaPathPattern: '/media/*',
  authPathPattern: '/auth/*',
  bindIp: false,
  originAccess,
});

beforeAll(async () => {
  [oac, both] = await Promise.all([
    packageStack('oacstage', {
      editSettings: (s) => {
        s.stages.oacstage = { secure: true, originAccess: 'oac', aliasDomain: ALIAS, certificateArn: CERT };
      },
    }),
    packageStack('switching', {
      editSettings: (s) => {
        s.stages.switching = { secure: true, originAccess: 'oai+oac' };
      },
    }),
  ]);
  spec = loadSpec();
}, 300_000);

afterAll(() => {
  for (const s of [oac, both]) if (s) rmSync(s.dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: reading and mutating deep into the template.
type Obj = Record<string, any>;
const dist = (t: Template): Obj => (t.Resources.CloudFrontDistribution!.Properties as Obj).DistributionConfig;
const bucketOrigins = (t: Template): Obj[] => dist(t).Origins.filter((o: Obj) => o.S3OriginConfig);
const policy = (t: Template): Obj[] =>
  (t.Resources.MediaBucketPolicy!.Properties as Obj).PolicyDocument.Statement;
const authBehavior = (t: Template): Obj =>
  dist(t).CacheBehaviors.find((b: Obj) => b.PathPattern === '/auth/*');
const securityHeaders = (t: Template): Obj =>
  (t.Resources.PagesResponseHeadersPolicy!.Properties as Obj).ResponseHeadersPolicyConfig
    .SecurityHeadersConfig;
const rulesOf = (t: Template, o: RuleOptions) => [...checkAgainstSpec(t, spec), ...checkStructure(t, o)];

describe('originAccess "oac"', () => {
  it('passes the specification and every structural rule', () => {
    expect(checkAgainstSpec(oac.template, spec)).toEqual([]);
    expect(checkStructure(oac.template, optionsFor('oac'))).toEqual([]);
  });

  it('reads the bucket through an S3 OAC (SigV4, always) with an empty OAI element, and has no OAI', () => {
    const types = Object.values(oac.template.Resources).map((r) => r.Type);
    expect(types).not.toContain('AWS::CloudFront::CloudFrontOriginAccessIdentity');
    expect(
      (oac.template.Resources.MediaOriginAccessControl!.Properties as Obj).OriginAccessControlConfig,
    ).toEqual({
      Name: 'edge-auth-oacstage-media',
      Description: 'edge-auth oacstage media bucket',
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(bucketOrigins(oac.template).map((o) => o.Id)).toEqual(['media', 'web']);
    for (const o of bucketOrigins(oac.template)) {
      expect(o.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
      expect(o.OriginAccessControlId).toEqual({ 'Fn::GetAtt': ['MediaOriginAccessControl', 'Id'] });
    }
  });

  it('lets only cloudfront.amazonaws.com read objects, for this distribution only', () => {
    expect(policy(oac.template).filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Sid: 'ReadThroughThisDistributionOnly',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['MediaBucket', 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${CloudFrontDistribution}`,
            },
          },
        },
      },
    ]);
    expect(policy(oac.template).map((s) => s.Sid)).toContain('DenyInsecureTransport');
  });

  it('fails the OAI rules when checked as an OAI stage (each stage accepts only its own variant)', () => {
    const names = checkStructure(oac.template, optionsFor('oai')).map((v) => v.rule);
    expect(names).toEqual(expect.arrayContaining(['origin-access/variant', 'bucket/policy-principal-oai']));
  });
});

describe('security headers and viewer TLS', () => {
  it('puts one response headers policy from the settings on the pages and /auth/*, not on media', () => {
    const d = dist(oac.template);
    expect(d.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: 'PagesResponseHeadersPolicy' });
    expect(authBehavior(oac.template).ResponseHeadersPolicyId).toEqual({ Ref: 'PagesResponseHeadersPolicy' });
    const media = d.CacheBehaviors.find((b: Obj) => b.PathPattern === '/media/*');
    expect(media.ResponseHeadersPolicyId).not.toEqual({ Ref: 'PagesResponseHeadersPolicy' });
    const sec = securityHeaders(oac.template);
    expect(sec.ContentTypeOptions).toEqual({ Override: true });
    expect(sec.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(sec.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
    expect(sec.ContentSecurityPolicy.ContentSecurityPolicy).toContain("media-src 'self' blob:");
  });

  it('uses TLSv1.2_2025 with the alias certificate (the default certificate stays TLSv1 by AWS)', () => {
    expect(dist(oac.template).ViewerCertificate['Fn::If'][1]).toMatchObject({
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2025',
    });
    expect(dist(oac.template).ViewerCertificate['Fn::If'][2]).toEqual({ CloudFrontDefaultCertificate: true });
  });
});

describe('log retention (what docs/deploy.md says about Lambda@Edge logs)', () => {
  it('sets 30 days only on us-east-1 groups named without the us-east-1. prefix Lambda@Edge writes to', () => {
    const groups = Object.values(oac.template.Resources)
      .filter((r) => r.Type === 'AWS::Logs::LogGroup')
      .map((r) => [(r.Properties as Obj).LogGroupName, (r.Properties as Obj).RetentionInDays]);
    expect(groups).toEqual(
      expect.arrayContaining([
        ['/aws/lambda/edge-auth-oacstage-login', 30],
        ['/aws/lambda/edge-auth-oacstage-viewerRequest', 30],
      ]),
    );
    expect(groups.some(([name]) => String(name).includes('us-east-1.'))).toBe(false);
  });
});

describe('originAccess "oai+oac" (the first deploy of a switch)', () => {
  it('passes the specification and every structural rule', () => {
    expect(checkAgainstSpec(both.template, spec)).toEqual([]);
    expect(checkStructure(both.template, optionsFor('oai+oac'))).toEqual([]);
  });

  it('keeps the origins on the OAI while the bucket policy admits the OAI and the OAC', () => {
    for (const o of bucketOrigins(both.template)) {
      expect(o.S3OriginConfig.OriginAccessIdentity['Fn::Join'][1][1]).toEqual({
        Ref: 'MediaOriginAccessIdentity',
      });
      expect(o.OriginAccessControlId).toEqual({ Ref: 'AWS::NoValue' });
    }
    expect(policy(both.template).map((s) => s.Sid)).toEqual([
      'ReadThroughCloudFrontOnly',
      'ReadThroughThisDistributionOnly',
      'DenyInsecureTransport',
    ]);
  });
});

const BREAKS: [string, string, RuleOptions['originAccess'], (t: Template) => void][] = [
  [
    'origin-access/variant',
    'OAC stage whose origin still names an OAI',
    'oac',
    (t) => {
      bucketOrigins(t)[0]!.S3OriginConfig.OriginAccessIdentity = 'origin-access-identity/cloudfront/E123';
    },
  ],
  [
    'origin-access/variant',
    'OAC stage whose origin lacks OriginAccessControlId',
    'oac',
    (t) => {
      delete bucketOrigins(t)[1]!.OriginAccessControlId;
    },
  ],
  [
    'origin-access/variant',
    'OAC that signs only when the viewer sends no Authorization',
    'oac',
    (t) => {
      (t.Resources.MediaOriginAccessControl!.Properties as Obj).OriginAccessControlConfig.SigningBehavior =
        'no-override';
    },
  ],
  [
    'origin-access/variant',
    'OAC stage that still creates an OAI',
    'oac',
    (t) => {
      t.Resources.MediaOriginAccessIdentity = {
        Type: 'AWS::CloudFront::CloudFrontOriginAccessIdentity',
        Properties: { CloudFrontOriginAccessIdentityConfig: { Comment: 'left over' } },
      };
    },
  ],
  [
    'origin-access/variant',
    'switching stage whose origin already uses the OAC',
    'oai+oac',
    (t) => {
      bucketOrigins(t)[0]!.OriginAccessControlId = { 'Fn::GetAtt': ['MediaOriginAccessControl', 'Id'] };
    },
  ],
  [
    'bucket/policy-principal-oac',
    'CloudFront may read the bucket from any distribution',
    'oac',
    (t) => {
      delete policy(t)[0]!.Condition;
    },
  ],
  [
    'bucket/policy-principal-oac',
    'CloudFront may read the bucket from any distribution of the account (SourceAccount)',
    'oac',
    (t) => {
      policy(t)[0]!.Condition = { StringEquals: { 'AWS:SourceAccount': { Ref: 'AWS::AccountId' } } };
    },
  ],
  [
    'bucket/policy-principal-oac',
    'CloudFront may list and write the bucket',
    'oac',
    (t) => {
      policy(t)[0]!.Action = ['s3:GetObject', 's3:PutObject', 's3:ListBucket'];
    },
  ],
  [
    'bucket/policy-principal-oac',
    'switching stage whose bucket policy forgot the OAC',
    'oai+oac',
    (t) => {
      (t.Resources.MediaBucketPolicy!.Properties as Obj).PolicyDocument.Statement = policy(t).filter(
        (s) => s.Sid !== 'ReadThroughThisDistributionOnly',
      );
    },
  ],
  [
    'bucket/policy-principal-oai',
    'switching stage whose bucket policy dropped the OAI too early',
    'oai+oac',
    (t) => {
      (t.Resources.MediaBucketPolicy!.Properties as Obj).PolicyDocument.Statement = policy(t).filter(
        (s) => s.Sid !== 'ReadThroughCloudFrontOnly',
      );
    },
  ],
  [
    'pages/security-headers',
    'pages without the response headers policy',
    'oac',
    (t) => {
      delete dist(t).DefaultCacheBehavior.ResponseHeadersPolicyId;
    },
  ],
  [
    'pages/security-headers',
    '/auth/* without the response headers policy',
    'oac',
    (t) => {
      delete authBehavior(t).ResponseHeadersPolicyId;
    },
  ],
  [
    'pages/security-headers',
    'no HSTS',
    'oac',
    (t) => {
      delete securityHeaders(t).StrictTransportSecurity;
    },
  ],
  [
    'pages/security-headers',
    'an origin may replace the CSP',
    'oac',
    (t) => {
      securityHeaders(t).ContentSecurityPolicy.Override = false;
    },
  ],
  [
    'pages/security-headers',
    'inline scripts allowed',
    'oac',
    (t) => {
      const csp = securityHeaders(t).ContentSecurityPolicy;
      csp.ContentSecurityPolicy = csp.ContentSecurityPolicy.replace(
        "script-src 'self'",
        "script-src 'self' 'unsafe-inline'",
      );
    },
  ],
  [
    'pages/security-headers',
    'framing allowed',
    'oac',
    (t) => {
      const csp = securityHeaders(t).ContentSecurityPolicy;
      csp.ContentSecurityPolicy = csp.ContentSecurityPolicy.replace(
        "frame-ancestors 'none'",
        'frame-ancestors *',
      );
    },
  ],
  [
    'pages/security-headers',
    'hls.js workers refused',
    'oac',
    (t) => {
      const csp = securityHeaders(t).ContentSecurityPolicy;
      csp.ContentSecurityPolicy = csp.ContentSecurityPolicy.replace('worker-src blob:', "worker-src 'self'");
    },
  ],
  [
    'pages/security-headers',
    'a CSP longer than CloudFront takes',
    'oac',
    (t) => {
      const csp = securityHeaders(t).ContentSecurityPolicy;
      csp.ContentSecurityPolicy = `${csp.ContentSecurityPolicy}; img-src 'self' ${'https://a.example '.repeat(100)}`;
    },
  ],
  [
    'pages/security-headers',
    'a referrer policy CloudFront does not know',
    'oac',
    (t) => {
      securityHeaders(t).ReferrerPolicy.ReferrerPolicy = 'never';
    },
  ],
  [
    'distribution/minimum-tls',
    'TLS 1.0 allowed on the alias',
    'oac',
    (t) => {
      dist(t).ViewerCertificate['Fn::If'][1].MinimumProtocolVersion = 'TLSv1';
    },
  ],
  [
    'distribution/minimum-tls',
    'an older TLS 1.2 policy (2021) on the alias',
    'oac',
    (t) => {
      dist(t).ViewerCertificate['Fn::If'][1].MinimumProtocolVersion = 'TLSv1.2_2021';
    },
  ],
];

describe('a template that breaks a recommended-stack rule fails with the rule named', () => {
  it.each(BREAKS)('%s (%s)', (rule, _how, access, mutate) => {
    const base = access === 'oac' ? oac.template : both.template;
    const t = structuredClone(base);
    mutate(t);
    expect(rulesOf(t, optionsFor(access)).map((v) => v.rule)).toContain(rule);
    expect(rulesOf(base, optionsFor(access)).map((v) => v.rule)).not.toContain(rule);
  });
});
