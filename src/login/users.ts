import { randomBytes, type ScryptOptions, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import raw from '../../config/settings.json';
import { resolveSettings, type Settings } from '../config/settings';
import { assertSessionCookieFits } from '../session/cookie-size';
import { parseGrants } from '../session/grants';

/** A users file: `{ "users": [ { "username", "passwordHash", "grants": [...] } ] }`. */
export interface UserRecord {
  username: string;
  /** `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (base64url, no padding). */
  passwordHash: string;
  grants: string[];
}

export interface UsersFile {
  users: UserRecord[];
}

export class UsersError extends Error {
  readonly code = 'ERR_USERS';
  constructor(message: string) {
    super(message);
    this.name = 'UsersError';
  }
}

export const USERNAME = /^[A-Za-z0-9._@+-]{1,64}$/;
export const MAX_PASSWORD_LENGTH = 1024;
const DEFAULT_PREFIX = (raw as { protectedPrefix: string }).protectedPrefix;

export interface HashOptions {
  /** log2 of scrypt's N (cost). Default 15: about 50-100 ms and 32 MiB, well inside a 128 MB Lambda. */
  logN?: number;
  r?: number;
  p?: number;
}

const KEY_LENGTH = 32;
const HASH_FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/;

/**
 * Why scrypt must not run with these costs, or undefined when it may. The bounds keep whoever
 * writes the users file from turning a sign-in into a memory or CPU bomb; the last rule is
 * OpenSSL's (its EVP_PBE_scrypt refuses N >= 2^(16r)), so a hash it could never compute is refused
 * where it is written or loaded, not at sign-in.
 */
export function scryptCostProblem(logN: number, r: number, p: number): string | undefined {
  if (!Number.isInteger(logN) || logN < 10 || logN > 20) return 'scrypt logN must be from 10 to 20';
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16)
    return 'scrypt r must be 1-32 and p 1-16';
  if (logN >= 16 * r) return `scrypt logN ${logN} needs r of at least ${Math.floor(logN / 16) + 1}`;
  return undefined;
}

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Hashes a password with scrypt; the parameters and a random salt travel in the result. */
export async function hashPassword(password: string, opts: HashOptions = {}): Promise<string> {
  const logN = opts.logN ?? 15;
  const r = opts.r ?? 8;
  const p = opts.p ?? 1;
  const problem = scryptCostProblem(logN, r, p);
  if (problem) throw new UsersError(problem);
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 2 ** logN, r, p);
  return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` matches `encoded`. A malformed or out-of-bounds hash is simply `false`. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = HASH_FORMAT.exec(encoded);
  if (!m) return false;
  const logN = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  // A tampered users file must not turn a sign-in into a memory or CPU bomb.
  if (scryptCostProblem(logN, r, p)) return false;
  try {
    const expected = Buffer.from(m[5]!, 'base64url');
    const actual = await scrypt(password, Buffer.from(m[4]!, 'base64url'), 2 ** logN, r, p);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  } catch {
    return false;
  }
}

/** Parses and validates a users file; errors name the entry, never a hash. */
export function parseUsersFile(text: string, source: string, protectedPrefix = DEFAULT_PREFIX): UsersFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsersError(`${source} is not valid JSON`);
  }
  const users = (parsed as { users?: unknown })?.users;
  if (!Array.isArray(users)) throw new UsersError(`${source} must be an object with a "users" array`);
  const seen = new Set<string>();
  const out: UserRecord[] = users.map((u: unknown, i: number) => {
    const entry = u as Partial<UserRecord> | null;
    if (!entry || typeof entry.username !== 'string' || !USERNAME.test(entry.username)) {
      throw new UsersError(`${source}: user #${i + 1} has a bad username (allowed: ${USERNAME.source})`);
    }
    if (seen.has(entry.username)) throw new UsersError(`${source}: user "${entry.username}" is listed twice`);
    seen.add(entry.username);
    if (typeof entry.passwordHash !== 'string' || !HASH_FORMAT.test(entry.passwordHash)) {
      throw new UsersError(`${source}: user "${entry.username}" has no valid scrypt passwordHash`);
    }
    const [, ln, r, p] = HASH_FORMAT.exec(entry.passwordHash)!;
    const costProblem = scryptCostProblem(Number(ln), Number(r), Number(p));
    // Such a user could never sign in (verifyPassword answers false): say so at load.
    if (costProblem) throw new UsersError(`${source}: user "${entry.username}": ${costProblem}`);
    let grants: string[];
    try {
      grants = parseGrants(entry.grants, protectedPrefix);
    } catch (error) {
      throw new UsersError(`${source}: user "${entry.username}": ${(error as Error).message}`);
    }
    return { username: entry.username, passwordHash: entry.passwordHash, grants };
  });
  return { users: out };
}

export function readUsersFile(file: string, protectedPrefix = DEFAULT_PREFIX): UsersFile {
  if (!existsSync(file)) return { users: [] };
  return parseUsersFile(readFileSync(file, 'utf8'), file, protectedPrefix);
}

/**
 * Adds (or replaces) a user in a users file, creating the file if needed. The file is written
 * to a temporary name and renamed so a crash never leaves half a file.
 */
export async function addUser(
  file: string,
  username: string,
  password: string,
  grants: string[],
  options: HashOptions & { protectedPrefix?: string; settings?: Pick<Settings, 'session'> } = {},
): Promise<UserRecord> {
  const prefix = options.protectedPrefix ?? DEFAULT_PREFIX;
  if (!USERNAME.test(username)) throw new UsersError(`bad username (allowed: ${USERNAME.source})`);
  if (password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw new UsersError(`the password must be 1 to ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (grants.length === 0) throw new UsersError('a user needs at least one grant');
  let parsed: string[];
  try {
    parsed = parseGrants(grants, prefix);
    // A user whose session cookie no browser keeps could never stay signed in: refuse now.
    assertSessionCookieFits(
      options.settings ?? resolveSettings('prod'),
      { sub: username, grants: parsed, amr: 'pwd' },
      `user "${username}"`,
    );
  } catch (error) {
    throw new UsersError((error as Error).message);
  }
  const record: UserRecord = {
    username,
    passwordHash: await hashPassword(password, options),
    grants: parsed,
  };
  const current = readUsersFile(file, prefix);
  const users = [...current.users.filter((u) => u.username !== username), record];
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return record;
}
