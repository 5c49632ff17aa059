/**
 * A minimal browser-like cookie jar for the smoke test: it keeps what Set-Cookie says, honours
 * Path, Max-Age and Expires, and sends the most specific path first, as browsers do (CloudFront
 * reads the first cookie of a name, and the login function issues cookie sets per grant path).
 */

export interface StoredCookie {
  name: string;
  value: string;
  path: string;
  /** Epoch ms; undefined for a session cookie. */
  expires?: number;
}

/** Parses one Set-Cookie header value; undefined when it has no `name=value` pair. */
export function parseSetCookie(header: string, now: number): StoredCookie | undefined {
  const [pair, ...attrs] = header.split(';');
  const eq = pair!.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair!.slice(0, eq).trim();
  if (name === '' || /[\s;,=]/.test(name)) return undefined;
  const cookie: StoredCookie = { name, value: pair!.slice(eq + 1).trim(), path: '/' };
  let maxAge: number | undefined;
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const value = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'expires') {
      const t = Date.parse(value);
      if (!Number.isNaN(t)) cookie.expires = t;
    }
  }
  // Max-Age wins over Expires (RFC 6265 5.3).
  if (maxAge !== undefined) cookie.expires = now + maxAge * 1000;
  return cookie;
}

function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

export class CookieJar {
  private cookies: StoredCookie[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  /** Applies a response's Set-Cookie headers (an expired cookie deletes the stored one). */
  store(setCookies: string[]): void {
    const now = this.clock();
    for (const header of setCookies) {
      const c = parseSetCookie(header, now);
      if (!c) continue;
      this.cookies = this.cookies.filter((o) => !(o.name === c.name && o.path === c.path));
      if (c.expires === undefined || c.expires > now) this.cookies.push(c);
    }
  }

  /** The Cookie header for a request path ('' when none). */
  header(path: string): string {
    const now = this.clock();
    return this.cookies
      .filter((c) => (c.expires === undefined || c.expires > now) && pathMatches(c.path, path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  names(): string[] {
    return this.cookies.map((c) => c.name);
  }
}
