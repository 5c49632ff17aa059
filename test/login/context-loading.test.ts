import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateEdgeConfig } from '../../src/edge/config';
import { readKvsFile } from '../../src/local/kvs-file';
import { loadLoginContext, loadRevocationStore } from '../../src/login/context';
import type { AuthRequest } from '../../src/login/http';
import { handleAuthRequest, type LoginContext } from '../../src/login/service';
import { STAND_IN_ARN } from '../deploy/kvs-stand-in';
import { sessionKey } from '../session/fixtures';
import { type LoginFixture, loginFixture, parseSetCookie } from './helpers';

// The login function's configuration, loaded once per container: every bad or missing input is
// refused with a message naming the variable and the problem (never a secret), and good inputs are
// read exactly.
const HOST = 'd111111abcdef8.cloudfront.net';
const NOW = 1_800_000_000_000;
const SESSION = '__Host-edge_session';
let fx: LoginFixture;

beforeAll(async () => {
  fx = await loginFixture('dev');
});

const load = (
  over: Record<string, string | undefined>,
  options: Parameters<typeof loadLoginContext>[1] = {},
) => loadLoginContext({ ...fx.env, ...over }, { dummyHash: fx.dummyHash, ...options });
/** The message a load is refused with (the load must be refused). */
const refusal = (over: Record<string, string | undefined>) =>
  load(over).then(
    () => {
      throw new Error(`accepted ${JSON.stringify(over)}`);
    },
    (error: Error & { code?: string }) => `${error.code}: ${error.message}`,
  );
const file = (name: string, text: string) => {
  writeFileSync(join(fx.dir, name), text);
  return `file:${join(fx.dir, name)}`;
};
const signIn = (ctx: LoginContext, headers: Record<string, string> = { 'x-auth-viewer-host': HOST }) =>
  handleAuthRequest(
    {
      method: 'POST',
      path: '/auth/login',
      cookies: [],
      body: JSON.stringify({ username: 'alice', password: 'alice-secret' }),
      headers: { 'content-type': 'application/json', ...headers },
    },
    ctx,
    NOW,
  );
const sessionOf = (cookies: string[]) => cookies.map(parseSetCookie).find((c) => c.name === SESSION)!.value;
const tokenHeader = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());

describe('the stage and the key ids', () => {
  it('refuses to start without EDGE_AUTH_STAGE', async () => {
    for (const stage of [undefined, '']) {
      expect(await refusal({ EDGE_AUTH_STAGE: stage })).toBe('ERR_SECRET: EDGE_AUTH_STAGE is not set');
    }
  });

  it('takes a CloudFront public key id of 1 to 128 letters, digits, - and _, and refuses any other', async () => {
    const longest = `K${'2'.repeat(127)}`;
    expect((await load({ EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID: longest })).cloudFront.keyPairId).toBe(longest);
    for (const id of [
      undefined,
      '',
      `${longest}2`,
      'K2JCJ MDEHXQW5F',
      '/K2JCJMDEHXQW5F',
      'K2JCJMDEHXQW5F\n',
    ]) {
      expect([id, await refusal({ EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID: id })]).toEqual([
        id,
        'ERR_SECRET: EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID must be a CloudFront public key id',
      ]);
    }
  });

  it('takes a session key id of 1 to 32 of [a-z0-9-], and refuses any other', async () => {
    for (const kid of [undefined, '', 'S1', 's'.repeat(33), '.s1', 's1.']) {
      expect([kid, await refusal({ EDGE_AUTH_SESSION_KID: kid })]).toEqual([
        kid,
        'ERR_SECRET: EDGE_AUTH_SESSION_KID must be a key id',
      ]);
    }
    const longest = 's'.repeat(32);
    const ctx = await load({ EDGE_AUTH_SESSION_KID: longest });
    expect(tokenHeader(sessionOf((await signIn(ctx)).cookies)).kid).toBe(longest);
  });
});

describe('the keys and the users list', () => {
  it('names the variable of a key or users list that is missing or unreadable', async () => {
    expect(await refusal({ EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: undefined })).toMatch(
      /^ERR_SECRET: EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY is not set/,
    );
    expect(await refusal({ EDGE_AUTH_SESSION_PRIVATE_KEY: undefined })).toMatch(
      /^ERR_SECRET: EDGE_AUTH_SESSION_PRIVATE_KEY is not set/,
    );
    expect(await refusal({ EDGE_AUTH_USERS: 'file:/nonexistent/users.json' })).toBe(
      'ERR_SECRET: EDGE_AUTH_USERS: cannot read /nonexistent/users.json (ENOENT)',
    );
  });

  it('refuses a CloudFront key file that is not a PEM private key, without echoing it', async () => {
    const sessionPublic = fx.sessionPublicKeyPem;
    for (const text of ['not a key: hunter2', sessionPublic]) {
      const message = await refusal({ EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: file('cf-bad.pem', text) });
      expect(message).toBe('ERR_SECRET: EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY is not a readable PEM private key');
    }
  });

  it('reads every ssm: reference through the given reader, by its exact parameter name', async () => {
    const secret = randomBytes(32).toString('base64url');
    const old = randomBytes(32).toString('base64url');
    const params: Record<string, string> = {
      '/edge-auth/dev/cloudfront/cf1': readFileSync(join(fx.dir, 'cloudfront.key.pem'), 'utf8'),
      '/edge-auth/dev/session/s1': readFileSync(join(fx.dir, 'session.key.pem'), 'utf8'),
      '/edge-auth/dev/users': readFileSync(join(fx.dir, 'users.json'), 'utf8'),
      '/edge-auth/dev/origin-secret': `${secret}\n`,
      '/edge-auth/dev/origin-secret-previous': `${old}\n`,
    };
    const names: string[] = [];
    const ctx = await load(
      {
        EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: 'ssm:/edge-auth/dev/cloudfront/cf1',
        EDGE_AUTH_SESSION_PRIVATE_KEY: 'ssm:/edge-auth/dev/session/s1',
        EDGE_AUTH_USERS: 'ssm:/edge-auth/dev/users',
        EDGE_AUTH_ORIGIN_SECRET: 'ssm:/edge-auth/dev/origin-secret',
        EDGE_AUTH_ORIGIN_SECRET_PREVIOUS: 'ssm:/edge-auth/dev/origin-secret-previous',
      },
      {
        readSsm: async (name) => {
          names.push(name);
          return params[name]!;
        },
      },
    );
    expect(names.sort()).toEqual(Object.keys(params).sort());
    // Trimmed of the newline a parameter may end with; the current secret first.
    expect(ctx.originSecrets).toEqual([secret, old]);
    expect((await signIn(ctx, { 'x-auth-viewer-host': HOST, 'x-auth-origin-secret': old })).statusCode).toBe(
      200,
    );
  });

  it('re-reads the users list after its TTL and names the variable when that read fails', async () => {
    const users = file('users-ttl.json', readFileSync(join(fx.dir, 'users.json'), 'utf8'));
    const ctx = await load({ EDGE_AUTH_USERS: users }, { now: () => NOW });
    const path = users.slice('file:'.length);
    rmSync(path);
    const later = NOW + ctx.settings.login.usersTtlSeconds * 1000;
    await expect(ctx.usersSource!.current(later)).rejects.toThrow(
      new RegExp(`^EDGE_AUTH_USERS: cannot read ${path} \\(ENOENT\\)$`),
    );
  });
});

describe('the origin secret', () => {
  const SECRET = randomBytes(32).toString('base64url');
  const OLD = randomBytes(32).toString('base64url');

  it('takes at least 22 base64url characters and refuses any other character, naming the variable', async () => {
    const least = 'A'.repeat(22);
    expect((await load({ EDGE_AUTH_ORIGIN_SECRET: file('o-least', least) })).originSecrets).toEqual([least]);
    for (const value of [`${SECRET}=`, `+${SECRET}`, `${SECRET.slice(0, 20)} ${SECRET.slice(20)}`]) {
      const message = await refusal({ EDGE_AUTH_ORIGIN_SECRET: file('o-bad', value) });
      expect(message).toBe(
        'ERR_SECRET: EDGE_AUTH_ORIGIN_SECRET must be at least 22 base64url characters (128 bits)',
      );
    }
  });

  it('names EDGE_AUTH_ORIGIN_SECRET_PREVIOUS when the previous secret is unreadable or too short', async () => {
    const current = file('o-current', SECRET);
    expect(
      await refusal({
        EDGE_AUTH_ORIGIN_SECRET: current,
        EDGE_AUTH_ORIGIN_SECRET_PREVIOUS: 'file:/nonexistent/old',
      }),
    ).toBe('ERR_SECRET: EDGE_AUTH_ORIGIN_SECRET_PREVIOUS: cannot read /nonexistent/old (ENOENT)');
    const short = OLD.slice(0, 21);
    const message = await refusal({
      EDGE_AUTH_ORIGIN_SECRET: current,
      EDGE_AUTH_ORIGIN_SECRET_PREVIOUS: file('o-short', short),
    });
    expect(message).toBe(
      'ERR_SECRET: EDGE_AUTH_ORIGIN_SECRET_PREVIOUS must be at least 22 base64url characters (128 bits)',
    );
    expect(message).not.toContain(short);
  });
});

describe('session keys', () => {
  it('verifies sessions signed with a key of the baked edge config (issued before a key rotation)', async () => {
    const old = sessionKey('s0');
    const before = await load({
      EDGE_AUTH_SESSION_KID: 's0',
      EDGE_AUTH_SESSION_PRIVATE_KEY: file('session-s0.pem', old.privateKeyPem),
    });
    const token = sessionOf((await signIn(before)).cookies);
    const edgeConfig = validateEdgeConfig({
      version: 1,
      stage: 'dev',
      issuer: before.settings.session.issuer,
      audience: before.settings.session.audience,
      cookieName: 'edge_session',
      protectedPrefix: '/media/',
      signInPath: '/auth/sign-in',
      allowedOrigins: [],
      clockSkewSeconds: 30,
      sessionCacheSize: 10,
      keys: [{ kid: 's0', alg: 'ES256', spki: old.publicKeyPem }],
    });
    const session = (ctx: LoginContext) =>
      handleAuthRequest(
        {
          method: 'GET',
          path: '/auth/session',
          cookies: [`${SESSION}=${token}`],
          headers: {},
        } as AuthRequest,
        ctx,
        NOW,
      );
    expect((await session(await load({}, { edgeConfig }))).statusCode).toBe(200);
    expect((await session(await load({}))).statusCode).toBe(401);
  });

  it("in function mode, signs with the keyring's active key even when it is not the last one listed", async () => {
    const h1 = randomBytes(32).toString('base64url');
    const h2 = randomBytes(32).toString('base64url');
    const ctx = await load({
      EDGE_AUTH_EDGE_MODE: 'function',
      EDGE_AUTH_SESSION_HMAC_KEYS: file('hmac.json', JSON.stringify({ active: 'h1', keys: { h1, h2 } })),
    });
    expect(tokenHeader(sessionOf((await signIn(ctx)).cookies))).toEqual({
      alg: 'HS256',
      kid: 'h1',
      typ: 'JWT',
    });
  });

  it('in function mode, names EDGE_AUTH_SESSION_HMAC_KEYS in a keyring refusal', async () => {
    const message = await refusal({
      EDGE_AUTH_EDGE_MODE: 'function',
      EDGE_AUTH_SESSION_HMAC_KEYS: file(
        'hmac-bad.json',
        JSON.stringify({ active: 'h1', keys: { h1: 'short' } }),
      ),
    });
    expect(message).toBe('ERR_SECRET: EDGE_AUTH_SESSION_HMAC_KEYS: key "h1" is not 32 bytes of base64url');
  });
});

describe('the public host', () => {
  it('takes the viewer host from EDGE_AUTH_PUBLIC_HOST when set, and from the request when not', async () => {
    const fixed = await load({ EDGE_AUTH_PUBLIC_HOST: 'media.example.com' });
    const res = await signIn(fixed, {});
    expect(res.statusCode).toBe(200);
    const unset = await load({ EDGE_AUTH_PUBLIC_HOST: '' });
    expect([(await signIn(unset, {})).statusCode, (await signIn(unset)).statusCode]).toEqual([400, 200]);
  });
});

describe('the revocation store', () => {
  it('is none without EDGE_AUTH_KVS_ARN or EDGE_AUTH_KVS_FILE', async () => {
    expect(await loadRevocationStore({})).toBeUndefined();
    expect(await loadRevocationStore({ EDGE_AUTH_KVS_ARN: '', EDGE_AUTH_KVS_FILE: '' })).toBeUndefined();
  });

  it('is the file EDGE_AUTH_KVS_FILE names, which must be an absolute path', async () => {
    const kvs = join(fx.dir, 'kvs.json');
    const store = await loadRevocationStore({ EDGE_AUTH_KVS_FILE: kvs });
    await store!.revokeSession('sid-1', NOW / 1000 + 60);
    expect(readKvsFile(kvs)).toEqual({ 'rs:sid-1': String(NOW / 1000 + 60) });
    await expect(loadRevocationStore({ EDGE_AUTH_KVS_FILE: '.local/kvs.json' })).rejects.toThrow(
      /^EDGE_AUTH_KVS_FILE must be an absolute path$/,
    );
  });

  it('is the key value store EDGE_AUTH_KVS_ARN names, which must be a CloudFront key value store ARN', async () => {
    const store = await loadRevocationStore({ EDGE_AUTH_KVS_ARN: STAND_IN_ARN, AWS_REGION: 'us-east-1' });
    expect(store).toEqual(expect.objectContaining({ revokeSession: expect.any(Function) }));
    for (const arn of ['arn:aws:s3:::bucket', `${STAND_IN_ARN}/x`]) {
      await expect(loadRevocationStore({ EDGE_AUTH_KVS_ARN: arn })).rejects.toThrow(
        /^EDGE_AUTH_KVS_ARN must be a CloudFront key value store ARN$/,
      );
    }
  });
});

describe('the dummy password hash', () => {
  it('is made with the default scrypt cost when none is given, so an unknown user costs what a known one does', async () => {
    const ctx = await loadLoginContext(fx.env);
    expect(ctx.dummyHash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
  });
});
