/**
 * CloudFront's URL-safe base64: standard base64 with `+`→`-`, `=`→`_`, `/`→`~`.
 * (Not RFC 4648 base64url: CloudFront keeps the padding, written as `_`, and uses `~`.)
 */

export class CloudFrontBase64Error extends Error {
  readonly code = 'ERR_CF_BASE64';
  constructor(message: string) {
    super(message);
    this.name = 'CloudFrontBase64Error';
  }
}

const TO_CF: Record<string, string> = { '+': '-', '=': '_', '/': '~' };
const FROM_CF: Record<string, string> = { '-': '+', _: '=', '~': '/' };

export function encodeCloudFrontBase64(data: Buffer | string): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return buf.toString('base64').replace(/[+=/]/g, (c) => TO_CF[c]!);
}

// Data characters, then at most two `_` pads at the very end.
const VALID = /^[A-Za-z0-9~-]*_{0,2}$/;

/**
 * Decodes CloudFront's URL-safe base64 strictly: only its alphabet, padding (`_`) only at the end,
 * and a length that base64 can produce. Unpadded input is accepted (a length of 4n+2 or 4n+3).
 * Throws CloudFrontBase64Error otherwise; never returns a silently truncated buffer.
 */
export function decodeCloudFrontBase64(text: string): Buffer {
  if (typeof text !== 'string') throw new CloudFrontBase64Error('not a string');
  if (!VALID.test(text)) throw new CloudFrontBase64Error('contains characters outside CloudFront base64');
  if (text.endsWith('_') && text.length % 4 !== 0)
    throw new CloudFrontBase64Error('padding does not complete a 4-character group');
  // Padded text is now a multiple of 4 long and VALID allows at most two `_` at its end, so its data
  // fills 2 or 3 characters of the last group: exactly what one or two pads complete. Unpadded
  // text can still end with a lone character, which no base64 encoder writes.
  if (text.length % 4 === 1) throw new CloudFrontBase64Error('length is not a valid base64 length');
  return Buffer.from(
    text.replace(/[-_~]/g, (c) => FROM_CF[c]!),
    'base64',
  );
}

/** The same as decodeCloudFrontBase64, as a value instead of an exception. */
export function tryDecodeCloudFrontBase64(text: string): Buffer | undefined {
  try {
    return decodeCloudFrontBase64(text);
  } catch {
    return undefined;
  }
}
