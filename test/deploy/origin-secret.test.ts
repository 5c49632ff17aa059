import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import {
  initOriginSecret,
  loadOriginSecretIds,
  originSecretValueFile,
  rotateOriginSecret,
} from '../../src/deploy/origin-secret';
import { stackValues } from '../../src/deploy/stack';
import { loadLoginContext } from '../../src/login/context';
import { createSsmReader } from '../../src/login/secrets';
import {
  handleAuthRequest,
  isAcceptedSecret,
  type LoginContext,
  ORIGIN_SECRET_HEADER,
  VIEWER_HOST_HEADER,
} from '../../src/login/service';
import { recordingIo } from '../infra/package-stack';
import { type LoginFixture, loginFixture } from '../login/helpers';
import { type SsmStandIn, startSsmStandIn } from './ssm-stand-in';

const HOST = 'd111111abcdef8.cloudfront.net';
let root: string;
let ssm: SsmStandIn;
let fx: LoginFixture;
const savedEnv = { ...process.env };

beforeAll(async () => {
  ssm = await startSsmStandIn();
  fx = await loginFixture('dev');
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    AWS_REGION: 'us-east-1',
  });
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  await ssm.close();
  process.env = savedEnv;
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'edge-auth-origin-secret-'));
  const fn = join(__dirname, '..', '..', 'functions', 'cloudfront', 'viewer-host.js');
  mkdirSync(join(root, 'functions', 'cloudfront'), { recursive: true });
  writeFileSync(join(root, 'functions', 'cloudfront', 'viewer-host.js'), readFileSync(fn));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const io = recordingIo(root);
  const code = await main(args, io);
  return { code, text: io.lines.join('\n') };
};

describe('the origin secret files', () => {
  it('is 256 random bits in a private file; only ids are meant for git', () => {
    const dir = join(root, 'keys', 'dev');
    let n = 0;
    const change = initOriginSecret({ dir, newId: () => `20261129-000${n++}` });
    expect(change.ids).toEqual({ current: '20261129-0000' });
    const file = join(dir, originSecretValueFile('20261129-0000'));
    const value = readFileSync(file, 'utf8').trim();
    expect(Buffer.from(value, 'base64url')).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'origin-secret.json'), 'utf8')).not.toContain(value);
    // Two secrets are never the same value.
    rotateOriginSecret({ dir, step: 'add', newId: () => `20261129-000${n++}` });
    expect(readFileSync(join(dir, originSecretValueFile('20261129-0001')), 'utf8')).not.toBe(`${value}\n`);
    expect(() => initOriginSecret({ dir, newId: () => 'x' })).toThrow(/already exists/);
  });

  it('rotates in two steps and refuses steps out of order', () => {
    const dir = join(root, 'keys', 'dev');
    let n = 0;
    const newId = () => `id-${n++}`;
    expect(() => rotateOriginSecret({ dir, step: 'retire', newId })).toThrow(/does not exist/);
    // A stage made before origin secrets existed gets its first one from the first step.
    expect(rotateOriginSecret({ dir, step: 'add', newId }).ids).toEqual({ current: 'id-0' });
    expect(() => rotateOriginSecret({ dir, step: 'retire', newId })).toThrow(/no previous origin secret/);
    expect(rotateOriginSecret({ dir, step: 'add', newId }).ids).toEqual({
      current: 'id-1',
      previous: 'id-0',
    });
    expect(() => rotateOriginSecret({ dir, step: 'add', newId })).toThrow(/rotation is under way/);
    const retired = rotateOriginSecret({ dir, step: 'retire', newId });
    expect(retired.ids).toEqual({ current: 'id-1' });
    expect(retired.removed).toEqual([originSecretValueFile('id-0')]);
    expect(loadOriginSecretIds(dir, 'dev')).toEqual({ current: 'id-1' });
  });

  it('names the bad field of a hand-edited origin-secret.json', () => {
    const dir = join(root, 'keys', 'dev');
    mkdirSync(dir, { recursive: true });
    for (const [text, why] of [
      ['{', /not valid JSON/],
      ['[]', /must be an object/],
      ['{"current":"A B"}', /"current" must be an id/],
      ['{"current":"a","previous":"a"}', /"previous" must differ/],
      ['{"current":"a","value":"oops"}', /unknown field "value"/],
    ] as const) {
      writeFileSync(join(dir, 'origin-secret.json'), text);
      expect(() => loadOriginSecretIds(dir, 'dev')).toThrow(why);
    }
  });

  it('compares against every accepted value, and never accepts a missing header', () => {
    expect(isAcceptedSecret(undefined, [''])).toBe(false);
    expect(isAcceptedSecret('a', ['b', 'a'])).toBe(true);
    expect(isAcceptedSecret('a', [])).toBe(false);
  });
});

describe('keys push and the template', () => {
  it('pushes the secret as a String parameter and resolves it in the template, never writing the value', async () => {
    expect((await run('keys', 'init', '--stage', 'dev')).code).toBe(0);
    const ids = loadOriginSecretIds(join(root, 'keys', 'dev'), 'dev');
    const value = readFileSync(join(root, 'keys', 'dev', originSecretValueFile(ids.current)), 'utf8').trim();
    const pushed = await run('keys', 'push', '--stage', 'dev', '--endpoint', ssm.endpoint);
    expect(pushed.code).toBe(0);
    const name = `/edge-auth/dev/origin-secret/${ids.current}`;
    expect(pushed.text).toContain(`stored  ${name}`);
    expect(ssm.params.get(name)).toMatchObject({ value, type: 'String' });
    expect(pushed.text).not.toContain(value);
    const v = stackValues('dev', root);
    expect(v.originSecretHeaderValue).toBe(`{{resolve:ssm:${name}}}`);
    expect(JSON.stringify(v)).not.toContain(value);
  });
});

/**
 * `serverless deploy` as CloudFormation orders it: the login function first (the distribution's
 * /auth/* origin names its URL, so the distribution depends on it), then the distribution, whose
 * new origin header reaches the edge locations one by one.
 */
async function deployLogin(): Promise<{ ctx: LoginContext; header: string }> {
  const v = stackValues('dev', root);
  const env = Object.fromEntries(
    Object.entries(v.loginEnvironment).filter(([k]) => k.startsWith('EDGE_AUTH_ORIGIN_SECRET')),
  ) as Record<string, string>;
  const readSsm = createSsmReader({ endpoint: ssm.endpoint, region: 'us-east-1' });
  // A changed environment starts new containers: each loads the context once, from SSM.
  const ctx = await loadLoginContext({ ...fx.env, ...env }, { readSsm, dummyHash: fx.dummyHash });
  // CloudFormation resolving {{resolve:ssm:NAME}} in the origin header.
  const name = /^\{\{resolve:ssm:(.+)\}\}$/.exec(v.originSecretHeaderValue)![1]!;
  return { ctx, header: await readSsm(name) };
}

describe('a rotation while sign-ins flow', () => {
  it('refuses no request at any step, and refuses the old value once retired', async () => {
    await run('keys', 'init', '--stage', 'dev');
    await run('keys', 'push', '--stage', 'dev', '--endpoint', ssm.endpoint);
    let login = await deployLogin();
    const oldHeader = login.header;
    // Five edge locations, each sending the origin header of the distribution config it has.
    const edges = Array.from({ length: 5 }, () => oldHeader);
    const results: { status: number; header: string }[] = [];
    let stop = false;
    const flow = (async () => {
      let at = 1_800_000_000_000;
      while (!stop) {
        for (const header of [...edges]) {
          at += 1000;
          const res = await handleAuthRequest(
            {
              method: 'POST',
              path: '/auth/login',
              cookies: [],
              body: JSON.stringify({ username: 'alice', password: 'alice-secret' }),
              headers: {
                'content-type': 'application/json',
                [VIEWER_HOST_HEADER]: HOST,
                [ORIGIN_SECRET_HEADER]: header,
              },
            },
            login.ctx,
            at,
          );
          results.push({ status: res.statusCode, header });
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const settle = async () => {
      const n = results.length;
      while (results.length < n + 10) await new Promise((r) => setTimeout(r, 1));
    };

    await settle();
    // Step 1: rotate, push, deploy.
    expect((await run('keys', 'rotate-origin-secret', '--stage', 'dev')).code).toBe(0);
    expect((await run('keys', 'push', '--stage', 'dev', '--endpoint', ssm.endpoint)).code).toBe(0);
    login = await deployLogin();
    const newHeader = login.header;
    expect(newHeader).not.toBe(oldHeader);
    await settle();
    for (let i = 0; i < edges.length; i++) {
      edges[i] = newHeader; // the distribution's change reaches one more edge location
      await settle();
    }
    // Step 2: retire the previous value, deploy.
    expect((await run('keys', 'rotate-origin-secret', '--stage', 'dev', '--retire')).code).toBe(0);
    login = await deployLogin();
    await settle();
    stop = true;
    await flow;

    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.some((r) => r.header === oldHeader)).toBe(true);
    expect(results.some((r) => r.header === newHeader)).toBe(true);
    // The rotation happened: the old value no longer opens the door.
    const stale = await handleAuthRequest(
      {
        method: 'GET',
        path: '/auth/session',
        cookies: [],
        headers: { [VIEWER_HOST_HEADER]: HOST, [ORIGIN_SECRET_HEADER]: oldHeader },
      },
      login.ctx,
      1_800_000_000_000,
    );
    expect(stale.statusCode).toBe(403);
    expect(ssm.targets.filter((t) => t === 'AmazonSSM.GetParameter').length).toBeGreaterThan(0);
  });

  it('would refuse sign-ins if the login function accepted only the current value (why "previous" exists)', async () => {
    await run('keys', 'init', '--stage', 'dev');
    await run('keys', 'push', '--stage', 'dev', '--endpoint', ssm.endpoint);
    const before = await deployLogin();
    await run('keys', 'rotate-origin-secret', '--stage', 'dev');
    await run('keys', 'push', '--stage', 'dev', '--endpoint', ssm.endpoint);
    const after = await deployLogin();
    const onlyCurrent: LoginContext = { ...after.ctx, originSecrets: after.ctx.originSecrets!.slice(0, 1) };
    const request = {
      method: 'GET',
      path: '/auth/session',
      cookies: [],
      headers: { [VIEWER_HOST_HEADER]: HOST, [ORIGIN_SECRET_HEADER]: before.header },
    };
    // An edge location not yet switched: refused without "previous", let through (401: no session) with it.
    expect((await handleAuthRequest(request, onlyCurrent, 0)).statusCode).toBe(403);
    expect((await handleAuthRequest(request, after.ctx, 0)).statusCode).toBe(401);
  });
});
