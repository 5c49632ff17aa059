import { CookieJar } from './cookie-jar';

/**
 * The post-deploy smoke test: proves the lock from the outside, as a browser would see it.
 * unsigned media → 403 MissingKey; the bucket directly → 403; sign-in → cookies → playlist and a
 * segment 200; a path outside the grants → 403; sign-out → 403 again.
 */

export interface SmokeOptions {
  /** The site, e.g. https://d111111abcdef8.cloudfront.net */
  url: string;
  user: string;
  password: string;
  /** A playlist inside the user's grants. */
  media: string;
  /** A segment to fetch; by default the first one the playlist names. */
  segment?: string;
  /** A protected path outside the user's grants (checked when given). */
  outside?: string;
  /** The bucket's own endpoint, e.g. https://BUCKET.s3.us-east-1.amazonaws.com (checked when given). */
  bucketUrl?: string;
  authPrefix?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface SmokeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
  setCookies: string[];
}

function firstUri(playlist: string): string | undefined {
  const map = /#EXT-X-MAP:.*URI="([^"]+)"/.exec(playlist);
  const lines = playlist.split(/\r?\n/).map((l) => l.trim());
  const uri = lines.find((l) => l !== '' && !l.startsWith('#'));
  // The first media segment proves more than the init segment; fall back to the map.
  return uri ?? map?.[1];
}

const cloudFrontCode = (body: string) => /<Code>([A-Za-z]+)<\/Code>/.exec(body)?.[1];

export async function runSmoke(options: SmokeOptions): Promise<SmokeCheck[]> {
  const doFetch = options.fetch ?? fetch;
  const base = new URL(options.url);
  const origin = base.origin;
  const authPrefix = options.authPrefix ?? '/auth/';
  const jar = new CookieJar();
  const checks: SmokeCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    return ok;
  };

  const request = async (
    target: string,
    init: { method?: string; body?: string; withCookies?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const url = new URL(target, origin);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = init.withCookies ? jar.header(url.pathname) : '';
    if (cookie) headers.cookie = cookie;
    const response = await doFetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    return {
      status: response.status,
      body: await response.text(),
      contentType: response.headers.get('content-type') ?? '',
      setCookies: response.headers.getSetCookie(),
    };
  };

  // A failing request is a failed check, not a crash: the remaining checks still report.
  const attempt = async (name: string, run: () => Promise<boolean>) => {
    try {
      return await run();
    } catch (error) {
      const e = error as { name?: string; cause?: { code?: string } };
      return check(name, false, `request failed: ${e.cause?.code ?? e.name ?? 'error'}`);
    }
  };

  const mediaUrl = new URL(options.media, origin);

  await attempt('unsigned media is refused', async () => {
    const a = await request(options.media);
    const code = cloudFrontCode(a.body);
    return check(
      'unsigned media is refused',
      a.status === 403 && code === 'MissingKey',
      `${options.media} → ${a.status} ${code ?? ''}`.trim(),
    );
  });

  if (options.bucketUrl) {
    const bucketTarget = `${options.bucketUrl.replace(/\/+$/, '')}${mediaUrl.pathname}`;
    await attempt('bucket is not public', async () => {
      const a = await request(bucketTarget);
      return check('bucket is not public', a.status === 403, `${bucketTarget} → ${a.status}`);
    });
  }

  const signedIn = await attempt('sign-in sets cookies', async () => {
    const a = await request(`${authPrefix}login`, {
      method: 'POST',
      body: JSON.stringify({ username: options.user, password: options.password }),
      headers: { 'content-type': 'application/json', origin },
    });
    jar.store(a.setCookies);
    const names = [...new Set(jar.names())];
    const hasCloudFront =
      names.includes('CloudFront-Key-Pair-Id') &&
      names.includes('CloudFront-Signature') &&
      (names.includes('CloudFront-Policy') || names.includes('CloudFront-Expires'));
    const hasSession = names.some((n) => !n.startsWith('CloudFront-'));
    return check(
      'sign-in sets cookies',
      a.status >= 200 && a.status < 400 && hasCloudFront && hasSession,
      `POST ${authPrefix}login → ${a.status}; cookies: ${names.join(', ') || 'none'}`,
    );
  });

  let segment = options.segment;
  await attempt('playlist with cookies', async () => {
    if (!signedIn) return check('playlist with cookies', false, 'not signed in');
    const a = await request(options.media, { withCookies: true });
    if (!segment && a.status === 200) {
      const uri = firstUri(a.body);
      if (uri) segment = new URL(uri, mediaUrl).pathname;
    }
    return check(
      'playlist with cookies',
      a.status === 200 && a.body.startsWith('#EXTM3U'),
      `${options.media} → ${a.status} ${a.contentType}`.trim(),
    );
  });

  await attempt('segment with cookies', async () => {
    if (!signedIn) return check('segment with cookies', false, 'not signed in');
    if (!segment) return check('segment with cookies', false, 'no segment: pass --segment');
    let a = await request(segment, { withCookies: true });
    // A multivariant playlist names playlists: follow one level down to a real segment.
    if (a.status === 200 && segment.endsWith('.m3u8') && !options.segment) {
      const uri = firstUri(a.body);
      if (uri) {
        segment = new URL(uri, new URL(segment, origin)).pathname;
        a = await request(segment, { withCookies: true });
      }
    }
    return check(
      'segment with cookies',
      a.status === 200 && a.body.length > 0,
      `${segment} → ${a.status} ${a.contentType}`.trim(),
    );
  });

  if (options.outside) {
    const outside = options.outside;
    await attempt('outside the grants is refused', async () => {
      if (!signedIn) return check('outside the grants is refused', false, 'not signed in');
      const a = await request(outside, { withCookies: true });
      const code = cloudFrontCode(a.body);
      return check(
        'outside the grants is refused',
        a.status === 403,
        `${outside} → ${a.status} ${code ?? ''}`.trim(),
      );
    });
  }

  await attempt('sign-out', async () => {
    if (!signedIn) return check('sign-out', false, 'not signed in');
    const a = await request(`${authPrefix}logout`, {
      method: 'POST',
      withCookies: true,
      headers: { 'content-type': 'application/json', origin },
      body: '{}',
    });
    jar.store(a.setCookies);
    return check('sign-out', a.status >= 200 && a.status < 400, `POST ${authPrefix}logout → ${a.status}`);
  });

  await attempt('media refused after sign-out', async () => {
    const a = await request(options.media, { withCookies: true });
    const code = cloudFrontCode(a.body);
    return check(
      'media refused after sign-out',
      a.status === 403,
      `${options.media} → ${a.status} ${code ?? ''}`.trim(),
    );
  });

  return checks;
}
