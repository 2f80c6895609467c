// Input limits of the front end (SECURITY.md, "Limits"). Beyond them cnnc reports a located error
// instead of spending unbounded time and memory: a broken file can hold a diagnostic per character,
// and every token and line costs the parser a few hundred bytes.

/** Longest source read, in UTF-16 code units (the CLI refuses files of more bytes unread). */
export const MAX_SOURCE_LENGTH = 2 * 1024 * 1024;

/** Diagnostics kept per file; the rest are counted, and one more diagnostic says how many. */
export const MAX_DIAGNOSTICS = 1000;

/** The code of that one diagnostic, from the AST builder or the checker, whichever passes the limit. */
export const TOO_MANY_DIAGNOSTICS = 'too-many-diagnostics';

/** "1,048,576"; kept here so that the AST stage needs nothing from the checker. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
