/**
 * Terminal-safe text. Anything the CLI prints that came from input (a pasted cookie, a URL, an
 * argument) can carry control characters: ESC sequences move the cursor or clear the screen, CR
 * overwrites a line, C1 CSI (U+009B) is ESC [ on some terminals, and bidi overrides reorder what
 * is shown ("Trojan Source", CVE-2021-42574). They are shown as escapes instead.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control and bidi character shown as `\xNN` or `\uNNNN`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/**
 * JSON for a terminal: JSON.stringify already escapes C0; DEL, C1 and bidi controls become
 * `\uNNNN` escapes too (still valid JSON, same value once parsed).
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
