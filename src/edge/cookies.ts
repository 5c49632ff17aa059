/**
 * The value of the first cookie called `name` in a Cookie header, or undefined. A hand-rolled
 * scan: the edge runs it on every request and needs one cookie out of several large ones
 * (CloudFront-Policy alone is hundreds of bytes).
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let from = 0;
  while (from < header.length) {
    let end = header.indexOf(';', from);
    if (end === -1) end = header.length;
    let start = from;
    while (start < end && (header.charCodeAt(start) === 32 || header.charCodeAt(start) === 9)) start++;
    if (header.startsWith(name, start) && header.charCodeAt(start + name.length) === 61 /* = */) {
      let value = header.slice(start + name.length + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      return value;
    }
    from = end + 1;
  }
  return undefined;
}
