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
  if (!uri.includes('%')) return { ok: true, path: uri };
  let path: string;
  try {
    path = decodeURIComponent(uri);
  } catch {
    return { ok: false, why: 'bad-encoding' };
  }
  // Decoding cannot add `/`, `.`-syntax or controls (refused above); re-check in case of overlong forms.
  if (CONTROL.test(path) || path.includes('\\') || DOT_SEGMENT.test(path) || path.includes('//')) {
    return { ok: false, why: 'bad-encoding' };
  }
  return { ok: true, path };
}
