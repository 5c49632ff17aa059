import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSsmReader, loadSecret, SecretError } from '../../src/login/secrets';
import { type SsmStandIn, startSsmStandIn } from '../deploy/ssm-stand-in';

// Secret references of the login function: `ssm:/name` (deployed) and `file:/abs/path` (local).
// Every refusal names the variable and the reference, never the value.
const refusal = (ref: string | undefined, readSsm = neverSsm) =>
  loadSecret('EDGE_AUTH_X', ref, readSsm).then(
    () => {
      throw new Error(`${ref} was accepted`);
    },
    (error: unknown) => error as SecretError,
  );
const neverSsm = async (name: string): Promise<string> => {
  throw new Error(`SSM read ${name}`);
};

describe('a refused secret reference', () => {
  it('is a SecretError with the code ERR_SECRET', async () => {
    const error = await refusal(undefined);
    expect(error).toBeInstanceOf(SecretError);
    expect([error.name, error.code, error.message]).toEqual([
      'SecretError',
      'ERR_SECRET',
      'EDGE_AUTH_X is not set (use ssm:/name or file:/absolute/path)',
    ]);
  });
});

describe('ssm: references', () => {
  it('refuses a name that is not an absolute SSM parameter path, without asking SSM', async () => {
    for (const ref of [
      'ssm:edge-auth/dev/users',
      'ssm:x/edge-auth/dev/users',
      'ssm:/edge-auth/dev/users;x',
    ]) {
      expect((await refusal(ref)).message).toBe(`EDGE_AUTH_X: "${ref}" is not an SSM parameter name`);
    }
    expect((await refusal('ssm:/edge-auth/dev users')).message).toMatch(/is not an SSM parameter name$/);
  });

  it('asks for names up to 1,011 characters (the SSM limit) and refuses longer ones', async () => {
    const longest = `/${'a'.repeat(1010)}`;
    expect(await loadSecret('EDGE_AUTH_X', `ssm:${longest}`, async (name) => `len ${name.length}`)).toBe(
      'len 1011',
    );
    expect((await refusal(`ssm:${longest}b`)).message).toMatch(/is not an SSM parameter name$/);
  });

  it('reports a failed read by parameter name and "error" when the failure has no name', async () => {
    const error = await refusal('ssm:/edge-auth/dev/users', () => Promise.reject(null));
    expect([error.code, error.message]).toEqual([
      'ERR_SECRET',
      'EDGE_AUTH_X: reading SSM parameter /edge-auth/dev/users failed (error)',
    ]);
  });
});

describe('file: references', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-secrets-'));

  it('refuses a relative path even when it exists from the working directory', async () => {
    expect((await refusal('file:package.json')).message).toBe(
      'EDGE_AUTH_X: "file:package.json" must name an absolute path',
    );
  });

  it('reads an absolute path exactly, and names the path and the errno of an unreadable one', async () => {
    writeFileSync(join(dir, 'secret'), 'value\n');
    expect(await loadSecret('EDGE_AUTH_X', `file:${join(dir, 'secret')}`, neverSsm)).toBe('value\n');
    expect((await refusal(`file:${join(dir, 'missing')}`)).message).toBe(
      `EDGE_AUTH_X: cannot read ${join(dir, 'missing')} (ENOENT)`,
    );
    expect((await refusal(`file:${dir}`)).message).toBe(`EDGE_AUTH_X: cannot read ${dir} (EISDIR)`);
  });
});

describe('the SDK SSM reader (against the loopback SSM stand-in)', () => {
  let ssm: SsmStandIn;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    ssm = await startSsmStandIn();
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret-test' });
    delete process.env.AWS_PROFILE;
  });
  afterAll(async () => {
    await ssm.close();
    process.env = savedEnv;
  });

  it('reads a SecureString decrypted, with a signed GetParameter', async () => {
    ssm.params.set('/edge-auth/dev/session/s1', { value: 'PEM text', type: 'SecureString', version: 1 });
    const read = createSsmReader({ endpoint: ssm.endpoint, region: 'us-east-1' });
    expect(await loadSecret('EDGE_AUTH_X', 'ssm:/edge-auth/dev/session/s1', read)).toBe('PEM text');
    expect(ssm.targets.at(-1)).toBe('AmazonSSM.GetParameter');
  });

  it('names a missing parameter by the SSM error, and a parameter without a value', async () => {
    const read = createSsmReader({ endpoint: ssm.endpoint, region: 'us-east-1' });
    expect((await refusal('ssm:/edge-auth/dev/none', read)).message).toBe(
      'EDGE_AUTH_X: reading SSM parameter /edge-auth/dev/none failed (ParameterNotFound)',
    );
    ssm.params.set('/edge-auth/dev/empty', {
      value: undefined as unknown as string,
      type: 'String',
      version: 1,
    });
    const error = await read('/edge-auth/dev/empty').catch((e: unknown) => e as SecretError);
    expect([error instanceof SecretError, (error as SecretError).message]).toEqual([
      true,
      'SSM parameter /edge-auth/dev/empty has no value',
    ]);
  });
});
