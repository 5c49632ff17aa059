import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

export class SecretError extends Error {
  readonly code = 'ERR_SECRET';
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/** Reads an SSM parameter with decryption (SecureString); injected so tests need no AWS. */
export type SsmReader = (name: string) => Promise<string>;

/**
 * Resolves a secret reference: `ssm:/name` (SSM Parameter Store, in AWS) or `file:/abs/path`
 * (locally). Errors name the variable and the reference, never the value.
 */
export async function loadSecret(
  variable: string,
  ref: string | undefined,
  readSsm: SsmReader,
): Promise<string> {
  if (!ref) throw new SecretError(`${variable} is not set (use ssm:/name or file:/absolute/path)`);
  if (ref.startsWith('ssm:')) {
    const name = ref.slice(4);
    if (!/^\/[A-Za-z0-9_.\-/]{1,1010}$/.test(name))
      throw new SecretError(`${variable}: "${ref}" is not an SSM parameter name`);
    try {
      return await readSsm(name);
    } catch (error) {
      const e = error as { name?: string };
      throw new SecretError(`${variable}: reading SSM parameter ${name} failed (${e?.name ?? 'error'})`);
    }
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    if (!isAbsolute(path)) throw new SecretError(`${variable}: "${ref}" must name an absolute path`);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new SecretError(
        `${variable}: cannot read ${path} (${(error as { code?: string }).code ?? 'error'})`,
      );
    }
  }
  throw new SecretError(`${variable} must start with ssm: or file:`);
}

/**
 * An SSM reader through the AWS SDK, loaded only when an `ssm:` reference is used (local runs never
 * pay for the SDK). `endpoint` serves tests against a loopback stand-in.
 */
export function createSsmReader(options: { endpoint?: string; region?: string } = {}): SsmReader {
  return async (name) => {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const client = new SSMClient({ endpoint: options.endpoint, region: options.region });
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (value === undefined) throw new SecretError(`SSM parameter ${name} has no value`);
    return value;
  };
}

/** The real SSM reader of the login function (region and credentials from the Lambda environment). */
export const awsSsmReader: SsmReader = createSsmReader();
