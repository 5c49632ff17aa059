import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_ID, KeyringError } from '../keys/keyring';

/**
 * The `/auth/*` origin secret of a deployed stage: a random value CloudFront adds to every request
 * it sends to the login function URL (which is public), so a call around CloudFront is refused.
 *
 * Like the key pairs, only ids are committed: `keys/<stage>/origin-secret.json` names the current
 * secret and, during a rotation, the previous one. Each value lives in SSM Parameter Store at
 * `/edge-auth/<stage>/origin-secret/<id>` (`keys push` stores it from the git-ignored local file
 * `origin-secret-<id>.secret`). A new id is a new parameter name, so every rotation changes the
 * template: CloudFormation re-resolves an `ssm` dynamic reference only when a stack update runs
 * ("Get a plaintext value from Systems Manager Parameter Store": after a parameter changes, "perform
 * a stack update operation … to fetch the latest parameter version"), and an unchanged template is
 * no update at all.
 */
export interface OriginSecretIds {
  /** The secret CloudFront sends (after the next deploy). */
  current: string;
  /** The secret CloudFront sent before the rotation; still accepted until `--retire`. */
  previous?: string;
}

export const ORIGIN_SECRET_FILE = 'origin-secret.json';

/** 32 random bytes: 256 bits, well past the 128 the secret needs; base64url is a valid header value. */
export const ORIGIN_SECRET_BYTES = 32;

export function originSecretParameter(stage: string, id: string): string {
  return `/edge-auth/${stage}/origin-secret/${id}`;
}

export function originSecretValueFile(id: string): string {
  return `origin-secret-${id}.secret`;
}

export function validateOriginSecretIds(value: unknown, where: string): OriginSecretIds {
  const v = value as Partial<OriginSecretIds> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new KeyringError(`${where}: must be an object {"current": "<id>"}`);
  if (typeof v.current !== 'string' || !KEY_ID.test(v.current))
    throw new KeyringError(`${where}: "current" must be an id of lower-case letters, digits or "-"`);
  if (v.previous !== undefined && (typeof v.previous !== 'string' || !KEY_ID.test(v.previous)))
    throw new KeyringError(`${where}: "previous" must be an id of lower-case letters, digits or "-"`);
  if (v.previous === v.current) throw new KeyringError(`${where}: "previous" must differ from "current"`);
  const extra = Object.keys(v).filter((k) => k !== 'current' && k !== 'previous');
  if (extra.length > 0) throw new KeyringError(`${where}: unknown field "${extra[0]}"`);
  return v.previous === undefined ? { current: v.current } : { current: v.current, previous: v.previous };
}

/** The stage's origin secret ids, or a message that says which command makes them. */
export function loadOriginSecretIds(dir: string, stage: string): OriginSecretIds {
  const file = join(dir, ORIGIN_SECRET_FILE);
  if (!existsSync(file))
    throw new KeyringError(
      `${file} does not exist: run \`edge-auth keys rotate-origin-secret --stage ${stage}\`, then \`keys push\``,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new KeyringError(`${file} is not valid JSON`);
  }
  return validateOriginSecretIds(parsed, file);
}

function saveOriginSecretIds(dir: string, ids: OriginSecretIds): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, ORIGIN_SECRET_FILE);
  writeFileSync(file, `${JSON.stringify(validateOriginSecretIds(ids, file), null, 2)}\n`);
}

/** Writes a new random value as a private local file (mode 0600) and returns its id. */
function makeSecret(dir: string, newId: () => string, random: (n: number) => Buffer): string {
  const id = newId();
  const file = join(dir, originSecretValueFile(id));
  if (existsSync(file)) throw new KeyringError(`${file} already exists`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${random(ORIGIN_SECRET_BYTES).toString('base64url')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return id;
}

export interface OriginSecretChange {
  ids: OriginSecretIds;
  written: string[];
  removed: string[];
}

export interface OriginSecretOptions {
  dir: string;
  newId: () => string;
  /** Randomness is a parameter (tests); crypto.randomBytes by default. */
  random?: (n: number) => Buffer;
}

/** The first origin secret of a stage (`keys init`); refuses when the stage has one. */
export function initOriginSecret(options: OriginSecretOptions): OriginSecretChange {
  if (existsSync(join(options.dir, ORIGIN_SECRET_FILE)))
    throw new KeyringError(`${join(options.dir, ORIGIN_SECRET_FILE)} already exists`);
  const id = makeSecret(options.dir, options.newId, options.random ?? randomBytes);
  saveOriginSecretIds(options.dir, { current: id });
  return { ids: { current: id }, written: [ORIGIN_SECRET_FILE, originSecretValueFile(id)], removed: [] };
}

/**
 * One step of a rotation with no refused sign-in:
 * - add: a new value becomes current, the old one previous. After `keys push` and a deploy the login
 *   function accepts both (its environment changes, so every container starts fresh with both), and
 *   only then does CloudFront switch: the distribution's origin names the function URL, so
 *   CloudFormation updates it after the function. Edge locations that still send the old value
 *   during propagation are accepted.
 * - retire: previous is dropped; deploy again once the first deploy has finished (CloudFront
 *   then sends only the current value). A stage without an origin secret gets its first one from `add`.
 */
export function rotateOriginSecret(
  options: OriginSecretOptions & { step: 'add' | 'retire' },
): OriginSecretChange {
  const file = join(options.dir, ORIGIN_SECRET_FILE);
  if (options.step === 'add' && !existsSync(file)) return initOriginSecret(options);
  const ids = loadOriginSecretIds(options.dir, '<stage>');
  if (options.step === 'add') {
    if (ids.previous !== undefined)
      throw new KeyringError(
        `${file}: a rotation is under way (previous ${ids.previous}): finish it with --retire first`,
      );
    const id = makeSecret(options.dir, options.newId, options.random ?? randomBytes);
    const next = { current: id, previous: ids.current };
    saveOriginSecretIds(options.dir, next);
    return { ids: next, written: [ORIGIN_SECRET_FILE, originSecretValueFile(id)], removed: [] };
  }
  if (ids.previous === undefined) throw new KeyringError(`${file}: no previous origin secret to retire`);
  const removed: string[] = [];
  const old = join(options.dir, originSecretValueFile(ids.previous));
  if (existsSync(old)) {
    rmSync(old);
    removed.push(originSecretValueFile(ids.previous));
  }
  saveOriginSecretIds(options.dir, { current: ids.current });
  return { ids: { current: ids.current }, written: [ORIGIN_SECRET_FILE], removed };
}

/** What the packaged template and the login function get for a stage's origin secret. */
export function originSecretStackValues(
  stage: string,
  ids: OriginSecretIds,
): { headerValue: string; environment: Record<string, string>; parameters: string[] } {
  const current = originSecretParameter(stage, ids.current);
  const previous = ids.previous === undefined ? undefined : originSecretParameter(stage, ids.previous);
  return {
    // A plain String parameter, resolved by CloudFormation at deploy time: `ssm-secure` is accepted
    // only by the resource properties AWS lists ("Get a secure string value from Systems Manager
    // Parameter Store", section "Resources that support dynamic parameter patterns for secure
    // strings"), and AWS::CloudFront::Distribution is not among them.
    headerValue: `{{resolve:ssm:${current}}}`,
    // The login function reads both at its cold start (SecureString or String, with decryption).
    environment: {
      EDGE_AUTH_ORIGIN_SECRET: `ssm:${current}`,
      ...(previous ? { EDGE_AUTH_ORIGIN_SECRET_PREVIOUS: `ssm:${previous}` } : {}),
    },
    parameters: previous ? [current, previous] : [current],
  };
}
