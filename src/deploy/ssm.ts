import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsErrorName, DeployError } from './errors';
import type { ParameterStore } from './stage-keys';

export interface AwsClientOptions {
  /** Defaults to us-east-1, where the stack (and so the login function that reads them) lives. */
  region?: string;
  /** An SSM-compatible endpoint (tests, LocalStack); the SDK's own resolution otherwise. */
  endpoint?: string;
}

/**
 * Standard parameters hold 4 KB: plenty for a key (an RSA-2048 PEM is ~1.7 KB, a P-256 PEM
 * ~0.25 KB) but only ~15 users with scrypt hashes. Larger values need the Advanced tier (8 KB,
 * charged per parameter and month).
 */
export function parameterTier(value: string): 'Standard' | 'Advanced' {
  return Buffer.byteLength(value, 'utf8') > 4096 ? 'Advanced' : 'Standard';
}

/** Parameter Store through the AWS SDK v3: SecureString under the account's aws/ssm key. */
export function ssmParameterStore(options: AwsClientOptions = {}): ParameterStore {
  const client = new SSMClient({ region: options.region ?? 'us-east-1', endpoint: options.endpoint });
  return {
    async putParameter({ name, value, description, overwrite, type }) {
      try {
        await client.send(
          new PutParameterCommand({
            Name: name,
            Value: value,
            Description: description,
            Type: type ?? 'SecureString',
            Overwrite: overwrite,
            Tier: parameterTier(value),
          }),
        );
        return 'stored';
      } catch (error) {
        if ((error as { name?: string }).name === 'ParameterAlreadyExists') return 'exists';
        throw new DeployError('ERR_SSM', `cannot store ${name} in SSM: ${awsErrorName(error)}`);
      }
    },
  };
}
