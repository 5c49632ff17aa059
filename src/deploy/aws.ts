import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsErrorName, DeployError } from './errors';
import type { AwsClientOptions } from './ssm';
import type { ObjectStore } from './upload';

/** The stack serverless.yml deploys for a stage (`<service>-<stage>`). */
export const stackName = (stage: string) => `edge-auth-${stage}`;

/** One output of the stage's deployed stack, e.g. MediaBucketName. */
export async function stackOutput(
  stage: string,
  output: string,
  options: AwsClientOptions = {},
): Promise<string> {
  const client = new CloudFormationClient({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
  });
  let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
  try {
    const result = await client.send(new DescribeStacksCommand({ StackName: stackName(stage) }));
    outputs = result.Stacks?.[0]?.Outputs;
  } catch (error) {
    throw new DeployError(
      'ERR_STACK',
      `cannot read stack ${stackName(stage)} (deployed with \`npx serverless deploy --stage ${stage}\`?): ${awsErrorName(error)}`,
    );
  }
  const value = outputs?.find((o) => o.OutputKey === output)?.OutputValue;
  if (!value) throw new DeployError('ERR_STACK', `stack ${stackName(stage)} has no output ${output}`);
  return value;
}

export function s3ObjectStore(
  bucket: string,
  options: AwsClientOptions & { forcePathStyle?: boolean } = {},
): ObjectStore {
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    // S3-compatible servers on localhost have no per-bucket host names.
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    // Checksums only where S3 requires them: S3-compatible servers reject the newer trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    async head(key) {
      try {
        const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          md5: r.Metadata?.md5,
          etag: r.ETag,
          contentType: r.ContentType,
          cacheControl: r.CacheControl,
        };
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        // 404: not there yet. 403: no s3:ListBucket, so S3 hides whether it exists; upload it.
        if (status === 404 || status === 403) return undefined;
        throw new DeployError('ERR_UPLOAD', `cannot read s3://${bucket}/${key}: ${awsErrorName(error)}`);
      }
    },
    async put({ key, body, md5, contentType, cacheControl }) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            CacheControl: cacheControl,
            ContentMD5: Buffer.from(md5, 'hex').toString('base64'),
            Metadata: { md5 },
          }),
        );
      } catch (error) {
        throw new DeployError('ERR_UPLOAD', `cannot upload s3://${bucket}/${key}: ${awsErrorName(error)}`);
      }
    },
  };
}
