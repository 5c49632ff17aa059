import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunctionCode } from '../../scripts/build-function';
import { securityHeadersConfig } from '../cloudfront/security-headers';
import { resolveSettings } from '../config/settings';
import {
  type Keyring,
  KeyringError,
  keyringDir,
  loadKeyring,
  readPublicKeyPem,
  ssmNames,
} from '../keys/keyring';
import { type OriginAccessValues, originAccessValues } from './origin-access';
import { loadOriginSecretIds, originSecretStackValues } from './origin-secret';
import { wafResponseBodies, wafRules } from './waf';

/**
 * The stage-dependent parts of serverless.yml, computed from config/settings.json and the stage's
 * keyring. serverless.yml reads them as `${self:custom.stack.<name>}` through scripts/stack.cjs.
 */
export interface StackValues extends OriginAccessValues {
  stage: string;
  /** `/media/*`: the behavior CloudFront guards with the trusted key group and the edge function. */
  mediaPathPattern: string;
  /** `/auth/*`: the behavior that reaches the login function. */
  authPathPattern: string;
  priceClass: string;
  /** IPv6 stays on unless cookies are bound to IPv4 source addresses. */
  ipv6Enabled: boolean;
  /** '' when the stage has no alias domain (CloudFormation conditions compare strings). */
  aliasDomain: string;
  certificateArn: string;
  /** Allowed player origins for CORS on media (a placeholder when none: the policy is then not created). */
  corsOrigins: string[];
  hasCors: string;
  /** `{ Resources: { CloudFrontPublicKey…: AWS::CloudFront::PublicKey } }`, one per keyring key. */
  keyResources: { Resources: Record<string, unknown> };
  keyGroupItems: { Ref: string }[];
  signingKeyLogicalId: string;
  loginEnvironment: Record<string, unknown>;
  /** ARNs of exactly the SSM parameters the login function reads. */
  loginParameterArns: unknown[];
  signInUrl: unknown;
  /** Source of the CloudFront Function (cloudfront-js-2.0) on `/auth/*`. */
  viewerHostCode: string;
  /** 'true' when the stage's `waf.enabled` (CloudFormation conditions compare strings). */
  wafEnabled: string;
  /** The web ACL's Rules and CustomResponseBodies (src/deploy/waf.ts). */
  wafRules: unknown[];
  wafResponseBodies: Record<string, unknown>;
  /** `lambda` or `function` (settings `edge.mode`): which check runs on the protected behavior. */
  edgeMode: string;
  /**
   * The viewerRequest function's events: the cloudFront event (Lambda@Edge association) in
   * `lambda` mode, none in `function` mode, so no Lambda@Edge is left on the protected behavior.
   */
  viewerRequestEvents: unknown[];
  /** The `function` mode's CloudFront Function, built and checked (scripts/build-function.ts). */
  mediaSessionCode: string;
  /** `{{resolve:ssm:/edge-auth/<stage>/origin-secret/<id>}}`: the `/auth/*` origin header, resolved at deploy time. */
  originSecretHeaderValue: string;
  /** `SecurityHeadersConfig` of the response headers policy on the pages and `/auth/*` (settings responseHeaders). */
  securityHeadersConfig: Record<string, unknown>;
}

/** `20261128-ab12` → `CloudFrontPublicKey20261128ab12`: CloudFormation logical ids are alphanumeric. */
export function publicKeyLogicalId(id: string): string {
  return `CloudFrontPublicKey${id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}

function ssmArn(name: string): { 'Fn::Sub': string } {
  // Parameter ARNs drop the name's leading slash: …:parameter/edge-auth/prod/users
  return {
    'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${name.replace(/^\//, '')}`,
  };
}

export function keyResources(stage: string, dir: string, keyring: Keyring): StackValues['keyResources'] {
  const Resources: Record<string, unknown> = {};
  for (const entry of keyring.cloudFront) {
    const logicalId = publicKeyLogicalId(entry.id);
    if (Resources[logicalId])
      throw new KeyringError(`${dir}: key ids "${entry.id}" and another map to ${logicalId}`);
    Resources[logicalId] = {
      Type: 'AWS::CloudFront::PublicKey',
      Properties: {
        PublicKeyConfig: {
          // CallerReference and Name are per account: the stage and key id keep them unique.
          CallerReference: `edge-auth-${stage}-${entry.id}`,
          Name: `edge-auth-${stage}-${entry.id}`,
          Comment: `edge-auth ${stage} signed-cookie key ${entry.id}${entry.id === keyring.signing.cloudFront ? ' (signing)' : ''}`,
          EncodedKey: readPublicKeyPem(dir, entry),
        },
      },
    };
  }
  return { Resources };
}

export function stackValues(stage: string, root: string): StackValues {
  if (stage === 'local')
    throw new KeyringError('the "local" stage is not deployed: pick dev, prod or a stage of your own');
  const settings = resolveSettings(stage);
  const dir = keyringDir(stage, root);
  const keyring = loadKeyring(dir);
  const signingKeyLogicalId = publicKeyLogicalId(keyring.signing.cloudFront);
  const originSecret = originSecretStackValues(stage, loadOriginSecretIds(dir, stage));
  const parameters = [
    ssmNames.cloudFront(stage, keyring.signing.cloudFront),
    ssmNames.session(stage, keyring.signing.session),
    ssmNames.users(stage),
    ...originSecret.parameters,
  ];
  const loginEnvironment: Record<string, unknown> = {
    EDGE_AUTH_STAGE: stage,
    EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID: { Ref: signingKeyLogicalId },
    EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: `ssm:${parameters[0]}`,
    EDGE_AUTH_SESSION_PRIVATE_KEY: `ssm:${parameters[1]}`,
    EDGE_AUTH_SESSION_KID: keyring.signing.session,
    EDGE_AUTH_USERS: `ssm:${parameters[2]}`,
    // The random value CloudFront adds as an origin header on /auth/* (serverless.yml), read from
    // SSM at cold start, and during a rotation the previous one: calls straight to the public
    // function URL are refused, and no sign-in fails while edge locations switch values.
    ...originSecret.environment,
    EDGE_AUTH_EDGE_MODE: settings.edge.mode,
    // The stage's KeyValueStore (created in both modes): HMAC keys for the function mode and the
    // revocation entries the login function writes in either mode.
    EDGE_AUTH_KVS_ARN: { 'Fn::GetAtt': ['SessionKeyValueStore', 'Arn'] },
  };
  if (settings.edge.mode === 'function') {
    const hmacKeys = `/edge-auth/${stage}/session-hmac-keys`;
    parameters.push(hmacKeys);
    loginEnvironment.EDGE_AUTH_SESSION_HMAC_KEYS = `ssm:${hmacKeys}`;
  }
  if (settings.aliasDomain) loginEnvironment.EDGE_AUTH_PUBLIC_HOST = settings.aliasDomain;
  const signInUrl = settings.aliasDomain
    ? `https://${settings.aliasDomain}${settings.signInPath}`
    : { 'Fn::Sub': `https://\${CloudFrontDistribution.DomainName}${settings.signInPath}` };
  return {
    stage,
    mediaPathPattern: `${settings.protectedPrefix}*`,
    authPathPattern: `${settings.authPrefix}*`,
    priceClass: settings.priceClass ?? 'PriceClass_100',
    ipv6Enabled: !settings.cloudFront.bindIp,
    aliasDomain: settings.aliasDomain ?? '',
    certificateArn: settings.certificateArn ?? '',
    corsOrigins: settings.allowedOrigins.length > 0 ? settings.allowedOrigins : ['https://example.invalid'],
    hasCors: settings.allowedOrigins.length > 0 ? 'true' : 'false',
    keyResources: keyResources(stage, dir, keyring),
    keyGroupItems: keyring.cloudFront.map((e) => ({ Ref: publicKeyLogicalId(e.id) })),
    signingKeyLogicalId,
    loginEnvironment,
    loginParameterArns: parameters.map(ssmArn),
    signInUrl,
    wafEnabled: settings.waf.enabled ? 'true' : 'false',
    wafRules: wafRules(settings),
    wafResponseBodies: wafResponseBodies(),
    viewerHostCode: readFileSync(join(root, 'functions', 'cloudfront', 'viewer-host.js'), 'utf8'),
    originSecretHeaderValue: originSecret.headerValue,
    securityHeadersConfig: securityHeadersConfig(settings.responseHeaders),
    ...originAccessValues(stage, settings.originAccess),
    edgeMode: settings.edge.mode,
    viewerRequestEvents:
      settings.edge.mode === 'lambda'
        ? [
            {
              cloudFront: {
                eventType: 'viewer-request',
                pathPattern: `${settings.protectedPrefix}*`,
                origin: {
                  DomainName: { 'Fn::GetAtt': ['MediaBucket', 'RegionalDomainName'] },
                  // OAI or OAC is set on Origins[0] under resources (serverless.yml), as main's event did.
                  S3OriginConfig: {},
                },
              },
            },
          ]
        : [],
    // The function's source is the project's own; `root` is where the stage's keys are.
    mediaSessionCode: buildFunctionCode({ stage, settings }).code,
  };
}
