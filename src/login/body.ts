/** Parsing of sign-in bodies: JSON or an HTML form. Outcomes are values; nothing here throws. */
export type CredentialsResult =
  | { ok: true; username: string; password: string; next?: string; form: boolean }
  | { ok: false; status: 400 | 413 | 415; message: string };

export const MAX_BODY_BYTES = 8 * 1024;

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function parseCredentials(
  contentType: string | undefined,
  body: string | undefined,
): CredentialsResult {
  const type = mediaType(contentType);
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
    return { ok: false, status: 415, message: 'Send application/json or application/x-www-form-urlencoded.' };
  }
  const text = body ?? '';
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    return { ok: false, status: 413, message: `The body is larger than ${MAX_BODY_BYTES} bytes.` };
  }
  let username: unknown;
  let password: unknown;
  let next: unknown;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, status: 400, message: 'The body is not valid JSON.' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, status: 400, message: 'The body must be a JSON object.' };
    }
    ({ username, password, next } = parsed as Record<string, unknown>);
  } else {
    // Never throws on a string (WHATWG URL): a lone surrogate becomes U+FFFD, a bad %-escape stays as it is.
    const form = new URLSearchParams(text);
    username = form.get('username') ?? undefined;
    password = form.get('password') ?? undefined;
    next = form.get('next') ?? undefined;
  }
  if (typeof username !== 'string' || username.length === 0 || username.length > 256) {
    return { ok: false, status: 400, message: 'A "username" string is required.' };
  }
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) {
    return { ok: false, status: 400, message: 'A "password" string of 1 to 1024 characters is required.' };
  }
  return {
    ok: true,
    username,
    password,
    next: typeof next === 'string' ? next : undefined,
    form: type === 'application/x-www-form-urlencoded',
  };
}

/**
 * A same-site redirect target: a local absolute path, percent-encoded for a `Location` header.
 *
 * The rule (the sign-in page, web/sign-in.js, applies the same one): refuse C0 controls,
 * DEL, C1 controls and `\` outright (the WHATWG URL parser strips tab/CR/LF anywhere and reads `\`
 * as `/`, so `/\t/evil` becomes `//evil`); then resolve the value against a base and require that
 * it stays on the base's origin (this refuses `//host`, `https:…`, `javascript:`…). What is
 * returned is the value itself (not the parser's normalised form: `/.//x` normalises to `//x`).
 * Characters outside visible ASCII are percent-encoded as UTF-8: a header value above U+00FF
 * cannot be sent at all and `é` would go out as one raw Latin-1 byte. A lone surrogate has no
 * UTF-8 form and falls back.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function safeNextPath(next: string | undefined, fallback: string): string {
  if (!next || next.length > 1024 || !next.startsWith('/')) return fallback;
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(next)) return fallback;
  if (LONE_SURROGATE.test(next)) return fallback;
  const base = 'https://next.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return encodeLocation(next);
}

/** Percent-encodes what a header value may not carry raw; existing `%XX` escapes stay as they are. */
export function encodeLocation(path: string): string {
  return path.replace(/%(?![0-9A-Fa-f]{2})|[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

const HOST =
  /^(?=.{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::(\d{1,5}))?$/;

/** A viewer host `name[:port]`, lower-cased, or undefined when it is not one. */
export function parseViewerHost(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = HOST.exec(value);
  if (!m) return undefined;
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return undefined;
  return value.toLowerCase();
}
