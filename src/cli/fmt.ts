// `cnnc fmt FILE... [--check]`: rewrite each file in the canonical layout (src/fmt), in place.
// --check writes nothing: it lists the files that would change, one per line, on stdout.
// A file with syntax errors is left alone and its errors are printed as `cnnc check` prints them.
// Exit 0 when every file is (now) formatted; 1 when a file has syntax errors or, with --check,
// would change; 2 when a file cannot be read or written, or for bad usage (the other files are
// still handled).

import { formatCnn, isFormatError } from '../fmt/index.js';
import { parseArgs } from './args.js';
import { CliError, EXIT, errorLine, type ExitCode } from './errors.js';
import { readSource, writeFileAtomic } from './files.js';
import type { CliIo } from './io.js';
import { countDiagnostics, countLine, renderDiagnostics } from './render.js';

export const help =
  'usage: cnnc fmt FILE... [--check]\n\n' +
  'Rewrite .cnn files in the canonical layout: one space between tokens, two-space indentation\n' +
  'in repeat blocks, layer keywords aligned after labels, trailing comments aligned, at most one\n' +
  'blank line in a row, a final newline. Files with syntax errors are not changed; their errors\n' +
  'are printed as `cnnc check` prints them.\n\n' +
  'options:\n' +
  '  --check   write nothing; list the files that would change and exit 1 if there are any\n\n' +
  'exit status: 0 formatted, 1 syntax errors (or, with --check, files that would change),\n' +
  '2 a file cannot be read or written, or bad usage\n';

/** The more serious of two exit codes: usage (2) over errors (1) over ok (0). */
function worse(a: ExitCode, b: ExitCode): ExitCode {
  return Math.max(a, b) as ExitCode;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs('fmt', args, [{ name: 'check' }]);
  const check = parsed.options.get('check') === true;
  if (parsed.positionals.length === 0) {
    throw new CliError("fmt needs at least one .cnn file (see 'cnnc fmt --help')");
  }
  let exit: ExitCode = EXIT.ok;
  for (const file of parsed.positionals) {
    let text: string;
    let bom: boolean;
    try {
      ({ text, bom } = await readSource(file));
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      io.stderr.write(errorLine(err.message));
      exit = worse(exit, EXIT.usage);
      continue;
    }
    const result = formatCnn(text);
    if (isFormatError(result)) {
      io.stdout.write(renderDiagnostics(result.diagnostics, file, text, { color: io.stdout.color }));
      io.stdout.write(`${countLine(countDiagnostics(result.diagnostics), { color: io.stdout.color })}\n`);
      io.stderr.write(errorLine(`${file}: ${result.error}`));
      exit = worse(exit, EXIT.modelErrors);
      continue;
    }
    if (!result.changed) continue;
    if (check) {
      io.stdout.write(`${file}\n`);
      exit = worse(exit, EXIT.modelErrors);
      continue;
    }
    try {
      // a byte-order mark is not part of the text, but it is part of the file: keep it
      await writeFileAtomic(file, bom ? `\ufeff${result.text}` : result.text, { followLinks: true, keepMode: true });
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      io.stderr.write(errorLine(err.message));
      exit = worse(exit, EXIT.usage);
    }
  }
  return exit;
}

/**
 * Replaces the file's contents in one step (files.ts): a temporary file beside the real one, its
 * mode copied, flushed, then renamed over it. A reader sees the old or the new text, never half of
 * it. A symbolic link is followed, so the link itself stays a link. Throws CliError.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, { followLinks: true, keepMode: true });
}
