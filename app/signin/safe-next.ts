/**
 * Where to go after signing in: the `next` query parameter when it names a page of this console, `/` otherwise. Only
 * a path on the same origin passes — `https://evil.example`, `//evil.example` (protocol-relative) and `/\evil.example`
 * (which browsers read as `//`) all land on `/`, so a link to the sign-in page cannot send a user elsewhere.
 */
const BASE = "http://console.invalid";

/** Browsers drop tabs and newlines from URLs and read `\` as `/`, which would turn `/\t/x` into `//x`. */
function hasBackslashOrControl(text: string): boolean {
  return [...text].some((char) => char === "\\" || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

export function safeNextPath(next: string | string[] | undefined): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || hasBackslashOrControl(next)) return "/";
  try {
    const url = new URL(next, BASE);
    if (url.origin !== BASE || url.pathname.startsWith("/signin")) return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}
