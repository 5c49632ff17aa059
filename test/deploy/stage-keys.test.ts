import { createPublicKey } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { publicKeyLogicalId, stackValues } from '../../src/deploy/stack';
import { recordingIo } from '../infra/package-stack';

/** A stand-in of SSM Parameter Store speaking its JSON 1.1 protocol (PutParameter only). */
function ssmStandIn() {
  const params = new Map<string, { value: string; type: string; description?: string; tier?: string }>();
  const targets: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      targets.push(target);
      const input = JSON.parse(body);
      const send = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      if (target !== 'AmazonSSM.PutParameter') return send(400, { __type: 'InvalidAction', message: target });
      if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256'))
        return send(400, { __type: 'MissingAuthenticationToken', message: 'unsigned' });
      if (params.has(input.Name) && !input.Overwrite)
        return send(400, { __type: 'ParameterAlreadyExists', message: 'The parameter already exists.' });
      params.set(input.Name, {
        value: input.Value,
        type: input.Type,
        description: input.Description,
        tier: input.Tier,
      });
      send(200, { Version: 1, Tier: 'Standard' });
    });
  });
  return { server, params, targets };
}

let root: string;
let ssm: ReturnType<typeof ssmStandIn>;
let endpoint: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  ssm = ssmStandIn();
  await new Promise<void>((done) => (ssm.server as Server).listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(ssm.server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    AWS_REGION: 'us-east-1',
  });
  delete process.env.AWS_PROFILE;
});

afterAll(() => {
  ssm.server.close();
  process.env = savedEnv;
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'edge-auth-keys-'));
  // stackValues reads the CloudFront Function source from the project layout.
  const fn = join(__dirname, '..', '..', 'functions', 'cloudfront', 'viewer-host.js');
  const dest = join(root, 'functions', 'cloudfront');
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, 'viewer-host.js'), readFileSync(fn));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const io = recordingIo(root);
  const code = await main(args, io);
  return { code, text: io.lines.join('\n') };
};
const keyring = () => JSON.parse(readFileSync(join(root, 'keys', 'dev', 'keyring.json'), 'utf8'));

describe('keys init', () => {
  it('writes an ECDSA P-256 CloudFront key pair and a session key pair, and refuses to run twice', async () => {
    const first = await run('keys', 'init', '--stage', 'dev');
    expect(first.code).toBe(0);
    const k = keyring();
    expect(k.cloudFront).toHaveLength(1);
    expect(k.session).toHaveLength(1);
    expect(k.signing).toEqual({ cloudFront: k.cloudFront[0].id, session: k.session[0].id });
    const pub = createPublicKey(readFileSync(join(root, 'keys', 'dev', k.cloudFront[0].publicKeyFile)));
    expect(pub.asymmetricKeyType).toBe('ec');
    expect(pub.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const privateFile = join(root, 'keys', 'dev', `cloudfront-${k.cloudFront[0].id}.key.pem`);
    expect(readFileSync(privateFile, 'utf8')).toContain('BEGIN PRIVATE KEY');
    // The private key never reaches the output.
    expect(first.text).not.toContain('BEGIN PRIVATE KEY');

    const again = await run('keys', 'init', '--stage', 'dev');
    expect(again.code).toBe(1);
    expect(again.text).toContain('already exists');
  });

  it('makes RSA-2048 keys with --type rsa and rejects other types', async () => {
    expect((await run('keys', 'init', '--stage', 'dev', '--type', 'dsa')).code).toBe(2);
    expect((await run('keys', 'init', '--stage', 'dev', '--type', 'rsa')).code).toBe(0);
    const k = keyring();
    const pub = createPublicKey(readFileSync(join(root, 'keys', 'dev', k.cloudFront[0].publicKeyFile)));
    expect(pub.asymmetricKeyType).toBe('rsa');
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('keys push (against an SSM stand-in on loopback)', () => {
  it('stores every private key as a SecureString, keeps existing ones, overwrites on request', async () => {
    await run('keys', 'init', '--stage', 'dev');
    const k = keyring();
    const users = join(root, 'users.json');
    writeFileSync(users, '{"users":[]}\n');
    const pushed = await run('keys', 'push', '--stage', 'dev', '--endpoint', endpoint, '--users', users);
    expect(pushed.code).toBe(0);
    const cfName = `/edge-auth/dev/cloudfront/${k.signing.cloudFront}`;
    const sessionName = `/edge-auth/dev/session/${k.signing.session}`;
    expect(pushed.text).toContain(`stored  ${cfName}`);
    expect(pushed.text).toContain(`stored  ${sessionName}`);
    expect(pushed.text).toContain('stored  /edge-auth/dev/users');
    expect(ssm.params.get(cfName)).toEqual({
      value: readFileSync(join(root, 'keys', 'dev', `cloudfront-${k.signing.cloudFront}.key.pem`), 'utf8'),
      type: 'SecureString',
      description: `edge-auth dev cloudfront private key ${k.signing.cloudFront}`,
      tier: 'Standard',
    });
    expect(ssm.params.get('/edge-auth/dev/users')?.value).toBe('{"users":[]}\n');
    expect(pushed.text).not.toContain('PRIVATE KEY');

    // A users file past 4 KB needs the Advanced tier.
    writeFileSync(users, `{"users":[${'"x",'.repeat(1100)}"x"]}`);
    await run('keys', 'push', '--stage', 'dev', '--endpoint', endpoint, '--users', users);
    expect(ssm.params.get('/edge-auth/dev/users')?.tier).toBe('Advanced');

    const again = await run('keys', 'push', '--stage', 'dev', '--endpoint', endpoint);
    expect(again.text).toContain(`exists  ${cfName}`);
    expect(again.text).toContain('pass --overwrite');

    const overwrite = await run(
      'keys',
      'push',
      '--stage',
      'dev',
      '--endpoint',
      endpoint,
      '--overwrite',
      '--remove-local',
    );
    expect(overwrite.text).toContain(`stored  ${cfName}`);
    expect(readdirSync(join(root, 'keys', 'dev')).filter((f) => f.endsWith('.key.pem'))).toEqual([]);
    const after = await run('keys', 'push', '--stage', 'dev', '--endpoint', endpoint);
    expect(after.text).toContain(`no file ${cfName}`);
    expect(ssm.targets.every((t) => t === 'AmazonSSM.PutParameter')).toBe(true);
  });

  it('reports an SSM failure by name, without the value', async () => {
    await run('keys', 'init', '--stage', 'dev');
    const refused = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }));
    });
    await new Promise<void>((done) => refused.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(refused.address() as AddressInfo).port}`;
      const r = await run('keys', 'push', '--stage', 'dev', '--endpoint', url);
      expect(r.code).toBe(1);
      expect(r.text).toMatch(/cannot store \/edge-auth\/dev\/cloudfront\/\S+ in SSM: AccessDeniedException/);
      expect(r.text).not.toContain('PRIVATE KEY');
    } finally {
      refused.close();
    }
  });
});

describe('keys rotate', () => {
  it('adds, activates and retires a key pair, one deployable step at a time', async () => {
    await run('keys', 'init', '--stage', 'dev');
    const before = keyring();
    expect((await run('keys', 'rotate', '--stage', 'dev', '--retire')).code).toBe(1);
    expect((await run('keys', 'rotate', '--stage', 'dev', '--activate')).code).toBe(1);

    expect((await run('keys', 'rotate', '--stage', 'dev')).code).toBe(0);
    const added = keyring();
    expect(added.cloudFront).toHaveLength(2);
    expect(added.session).toHaveLength(2);
    expect(added.signing).toEqual(before.signing);
    // Both keys are trusted in the stack: two PublicKey resources in the key group.
    const values = stackValues('dev', root);
    expect(values.keyGroupItems).toHaveLength(2);
    expect(Object.keys(values.keyResources.Resources)).toHaveLength(2);
    expect((await run('keys', 'rotate', '--stage', 'dev')).code).toBe(1);

    expect((await run('keys', 'rotate', '--stage', 'dev', '--activate')).code).toBe(0);
    const active = keyring();
    expect(active.signing).toEqual({ cloudFront: added.cloudFront[1].id, session: added.session[1].id });
    expect(stackValues('dev', root).loginEnvironment.EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID).toEqual({
      Ref: publicKeyLogicalId(added.cloudFront[1].id),
    });

    const retired = await run('keys', 'rotate', '--stage', 'dev', '--retire');
    expect(retired.code).toBe(0);
    const done = keyring();
    expect(done.cloudFront.map((e: { id: string }) => e.id)).toEqual([added.cloudFront[1].id]);
    expect(done.session.map((e: { id: string }) => e.id)).toEqual([added.session[1].id]);
    expect(existsSync(join(root, 'keys', 'dev', before.cloudFront[0].publicKeyFile))).toBe(false);
    expect(retired.text).toContain(`removed keys/dev/${before.cloudFront[0].publicKeyFile}`);
  });
});

describe('stack values', () => {
  it('names the exact SSM parameters and the signing key for the login function', async () => {
    await run('keys', 'init', '--stage', 'prod');
    const k = JSON.parse(readFileSync(join(root, 'keys', 'prod', 'keyring.json'), 'utf8'));
    const o = JSON.parse(readFileSync(join(root, 'keys', 'prod', 'origin-secret.json'), 'utf8'));
    const v = stackValues('prod', root);
    expect(v.loginEnvironment).toEqual({
      EDGE_AUTH_STAGE: 'prod',
      EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID: { Ref: publicKeyLogicalId(k.signing.cloudFront) },
      EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: `ssm:/edge-auth/prod/cloudfront/${k.signing.cloudFront}`,
      EDGE_AUTH_SESSION_PRIVATE_KEY: `ssm:/edge-auth/prod/session/${k.signing.session}`,
      EDGE_AUTH_SESSION_KID: k.signing.session,
      EDGE_AUTH_USERS: 'ssm:/edge-auth/prod/users',
      // The random value the /auth/* origin header carries, read from SSM (never the stack's id).
      EDGE_AUTH_ORIGIN_SECRET: `ssm:/edge-auth/prod/origin-secret/${o.current}`,
      // The edge mode, and the stage's KeyValueStore (revocations; in function mode also the keys).
      EDGE_AUTH_EDGE_MODE: 'lambda',
      EDGE_AUTH_KVS_ARN: { 'Fn::GetAtt': ['SessionKeyValueStore', 'Arn'] },
    });
    expect(v.originSecretHeaderValue).toBe(`{{resolve:ssm:/edge-auth/prod/origin-secret/${o.current}}}`);
    expect(v.loginParameterArns).toEqual([
      {
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/edge-auth/prod/cloudfront/${k.signing.cloudFront}`,
      },
      {
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/edge-auth/prod/session/${k.signing.session}`,
      },
      {
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/edge-auth/prod/users`,
      },
      {
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/edge-auth/prod/origin-secret/${o.current}`,
      },
    ]);
    expect(v.mediaPathPattern).toBe('/media/*');
    expect(v.authPathPattern).toBe('/auth/*');
    expect(v.ipv6Enabled).toBe(true);
    expect(v.priceClass).toBe('PriceClass_All');
    expect(publicKeyLogicalId('20261128-ab12')).toBe('CloudFrontPublicKey20261128Ab12');
  });

  it('refuses the local stage and a stage without keys', async () => {
    expect(() => stackValues('local', root)).toThrow(/not deployed/);
    expect(() => stackValues('dev', root)).toThrow(/keys init/);
  });
});

describe('viewer-host CloudFront Function', () => {
  const source = readFileSync(
    join(__dirname, '..', '..', 'functions', 'cloudfront', 'viewer-host.js'),
    'utf8',
  );
  const handler = new Function(`${source}\nreturn handler;`)() as (event: unknown) => {
    headers: Record<string, { value: string }>;
  };
  const event = (headers: Record<string, { value: string }>) => ({
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '198.51.100.7' },
    request: { method: 'POST', uri: '/auth/login', querystring: {}, headers, cookies: {} },
  });

  it('copies the viewer Host and overwrites a spoofed header', () => {
    const out = handler(
      event({ host: { value: 'media.example.com' }, 'x-auth-viewer-host': { value: 'evil.example' } }),
    );
    expect(out.headers['x-auth-viewer-host']).toEqual({ value: 'media.example.com' });
    expect(out.headers.host).toEqual({ value: 'media.example.com' });
  });

  it('drops a viewer-sent header when there is no Host', () => {
    const out = handler(event({ 'x-auth-viewer-host': { value: 'evil.example' } }));
    expect(out.headers['x-auth-viewer-host']).toBeUndefined();
  });
});
