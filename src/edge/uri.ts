/**
 * The edge matches grants against a decoded path, so it first refuses every form that could
 * decode or resolve to somewhere else than it looks: S3 and other origins may undo percent
 * encoding or dot segments after our check, and a grant must hold for what the origin serves.
 */
export type PathResult = { ok: true; path: string } | { ok: false; why: PathProblem };

export type PathProblem =
  | 'not-absolute'
  | 'too-long'
  | 'control-character'
  | 'backslash'
  | 'encoded-dot-or-slash'
  | 'dot-segment'
  | 'double-slash'
  | 'bad-encoding';

const MAX_URI_LENGTH = 2048;
// Raw C0 controls and DEL, or their percent-encoded forms (a decoded NUL truncates paths in some origins).
const CONTROL = /[\u0000-\u001f\u007f]|%(?:[01][0-9A-Fa-f]|7[Ff])/;
// Encoded `.`, `/` and `\`: they would become path syntax only after our check.
const ENCODED_SYNTAX = /%(?:2[EeFf]|5[Cc])/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

export function normalizePath(uri: string): PathResult {
  if (typeof uri !== 'string' || !uri.startsWith('/')) return { ok: false, why: 'not-absolute' };
  if (uri.length > MAX_URI_LENGTH) return { ok: false, why: 'too-long' };
  if (CONTROL.test(uri)) return { ok: false, why: 'control-character' };
  if (uri.includes('\\')) return { ok: false, why: 'backslash' };
  if (ENCODED_SYNTAX.test(uri)) return { ok: false, why: 'encoded-dot-or-slash' };
  if (uri.includes('//')) return { ok: false, why: 'double-slash' };
  if (DOT_SEGMENT.test(uri)) return { ok: false, why: 'dot-segment' };
  // S3 reads a raw `+` in a REST path as a space (and `%2B` as `+`): match grants against the key
  // S3 will serve, so `+` becomes a space before decoding. Grants may not contain `+` at all.
  const s3Path = uri.includes('+') ? uri.replace(/\+/g, ' ') : uri;
  if (!s3Path.includes('%')) return { ok: true, path: s3Path };
  let path: string;
  try {
    path = decodeURIComponent(s3Path);
  } catch {
    return { ok: false, why: 'bad-encoding' };
  }
  // Decoding cannot add `/`, `.`-syntax or controls (refused above); re-check in case of overlong forms.
  if (CONTROL.test(path) || path.includes('\\') || DOT_SEGMENT.test(path) || path.includes('//')) {
    return { ok: false, why: 'bad-encoding' };
  }
  return { ok: true, path };
}
