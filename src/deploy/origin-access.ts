import type { OriginAccess } from '../config/settings';

/**
 * How CloudFront reads the private bucket, per stage (settings `originAccess`):
 * - `oai`: an origin access identity, the bucket policy names its canonical user. The recipe this
 *   product descends from; AWS now calls OAI legacy.
 * - `oac`: an origin access control (SigV4-signed requests from the `cloudfront.amazonaws.com`
 *   service principal, limited by the bucket policy to this distribution's ARN). AWS recommends it:
 *   it works in every Region and with SSE-KMS ("Restrict access to an Amazon S3 origin").
 * - `oai+oac`: the first of two deploys that switch an existing stack: origins still use the OAI,
 *   the bucket policy admits both, so no request fails while the distribution changes over
 *   (same page, section "Migrating from origin access identity (OAI) to origin access control (OAC)").
 *
 * The values below are concrete per stage (no CloudFormation conditions), so the template rules
 * can check that a stage has exactly its own variant.
 */
export interface OriginAccessValues {
  originAccess: OriginAccess;
  /** `{ Resources }` holding MediaOriginAccessIdentity and/or MediaOriginAccessControl. */
  originAccessResources: { Resources: Record<string, unknown> };
  /** `S3OriginConfig` of the two bucket origins. */
  mediaS3OriginConfig: Record<string, unknown>;
  /** `OriginAccessControlId` of the two bucket origins (AWS::NoValue without OAC on the origins). */
  originAccessControlId: unknown;
  /** The bucket policy's statements: the Allow of this variant, and the Deny of plain HTTP. */
  bucketPolicyStatements: unknown[];
}

export const OAI_ID = 'MediaOriginAccessIdentity';
export const OAC_ID = 'MediaOriginAccessControl';

const objectArn = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['MediaBucket', 'Arn'] }, '/*']] };

export function originAccessValues(stage: string, access: OriginAccess): OriginAccessValues {
  const usesOai = access !== 'oac';
  const hasOac = access !== 'oai';
  const Resources: Record<string, unknown> = {};
  const statements: unknown[] = [];
  if (usesOai) {
    Resources[OAI_ID] = {
      Type: 'AWS::CloudFront::CloudFrontOriginAccessIdentity',
      Properties: { CloudFrontOriginAccessIdentityConfig: { Comment: `edge-auth ${stage} media bucket` } },
    };
    // Only the distribution reads, and only objects: without s3:ListBucket a missing key is a 403,
    // so nobody learns which titles exist.
    statements.push({
      Sid: 'ReadThroughCloudFrontOnly',
      Effect: 'Allow',
      Principal: { CanonicalUser: { 'Fn::GetAtt': [OAI_ID, 'S3CanonicalUserId'] } },
      Action: 's3:GetObject',
      Resource: objectArn,
    });
  }
  if (hasOac) {
    Resources[OAC_ID] = {
      Type: 'AWS::CloudFront::OriginAccessControl',
      Properties: {
        OriginAccessControlConfig: {
          Name: `edge-auth-${stage}-media`,
          Description: `edge-auth ${stage} media bucket`,
          OriginAccessControlOriginType: 's3',
          // "always": CloudFront signs every origin request (and replaces a viewer Authorization header).
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        },
      },
    };
    statements.push({
      Sid: 'ReadThroughThisDistributionOnly',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: objectArn,
      // Without this condition every distribution in every account could read the bucket through OAC.
      Condition: {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${CloudFrontDistribution}`,
          },
        },
      },
    });
  }
  return {
    originAccess: access,
    originAccessResources: { Resources },
    mediaS3OriginConfig: usesOai
      ? {
          OriginAccessIdentity: {
            'Fn::Join': ['', ['origin-access-identity/cloudfront/', { Ref: OAI_ID }]],
          },
        }
      : // With OAC the element stays, empty ("Restrict access to an Amazon S3 origin").
        { OriginAccessIdentity: '' },
    originAccessControlId: usesOai ? { Ref: 'AWS::NoValue' } : { 'Fn::GetAtt': [OAC_ID, 'Id'] },
    bucketPolicyStatements: [
      ...statements,
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [{ 'Fn::GetAtt': ['MediaBucket', 'Arn'] }, objectArn],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}
