// Exit codes and the one error type the CLI turns into a `cnnc: ...` line.

export const EXIT = {
  ok: 0, // no error in any model (warnings allowed)
  modelErrors: 1, // a model has errors
  usage: 2, // bad command line, or a file that cannot be read as UTF-8 text
  internal: 70, // a bug or a broken installation (EX_SOFTWARE); bin/cnnc.js uses it too
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A problem with how cnnc was called or with reading its input. Thrown by commands; main.ts prints
 * `cnnc: <message>` (one line, no stack) on stderr and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Levenshtein distance; inputs are short words. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The closest candidate, if one is close enough to be what was meant. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** "; did you mean 'x'?" or "" */
export function suggestion(word: string, candidates: readonly string[]): string {
  const near = didYouMean(word, candidates);
  return near === undefined ? '' : `; did you mean '${near}'?`;
}

/** `cnnc: message` as one line (a file name may hold a newline; it must not break the line). */
export function errorLine(message: string): string {
  const oneLine = message.replace(/[\r\n\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  return `cnnc: ${oneLine}\n`;
}
