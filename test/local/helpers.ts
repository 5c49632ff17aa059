/** A small cookie jar over fetch: keeps cookies by name and path, sends the ones whose path applies. */
export class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  /** Applies the Set-Cookie headers of a response (Max-Age=0 or a past Expires deletes). */
  take(response: Response): string[] {
    const lines = response.headers.getSetCookie();
    for (const line of lines) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = '/';
      let expired = false;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        if (k!.toLowerCase() === 'path') path = v;
        if (k!.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        if (k!.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const key = `${name}@${path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
    return lines;
  }

  set(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name}@${path}`, { name, value, path });
  }

  delete(name: string): void {
    for (const [key, c] of this.cookies) if (c.name === name) this.cookies.delete(key);
  }

  get(name: string, path?: string): string | undefined {
    for (const c of this.cookies.values())
      if (c.name === name && (path === undefined || c.path === path)) return c.value;
    return undefined;
  }

  /** The Cookie header a browser would send for this path (longest path first, as browsers order them). */
  header(urlPath: string): string {
    return [...this.cookies.values()]
      .filter((c) => urlPath.startsWith(c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  get size(): number {
    return this.cookies.size;
  }
}

export async function get(base: string, path: string, jar?: CookieJar, headers: Record<string, string> = {}) {
  const cookie = jar?.header(path);
  return fetch(`${base}${path}`, {
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    redirect: 'manual',
  });
}

export async function signIn(base: string, username: string, password: string, jar: CookieJar) {
  const response = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username, password }),
    redirect: 'manual',
  });
  jar.take(response);
  return response;
}

/** The init segment and media segments a playlist names, in order. */
export function playlistParts(text: string): { init?: string; segments: string[] } {
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
  const segments = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return { init, segments };
}
