// `cnnc check FILE... [--format text|json]`: every diagnostic of every file, on stdout.
// Exit 0 when no file has an error (warnings allowed), 1 when one has, 2 when one cannot be read
// (the others are still checked and reported).

import { checkSource } from '../check/index.js';
import type { Diagnostic } from '../diagnostics.js';
import { FORMAT_OPTION, outputFormat, parseArgs } from './args.js';
import { CliError, EXIT, errorLine, type ExitCode } from './errors.js';
import { readSourceFile } from './files.js';
import type { CliIo } from './io.js';
import { countDiagnostics, countLine, jsonReport, renderDiagnostics } from './render.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs('check', args, [FORMAT_OPTION]);
  const format = outputFormat(parsed);
  if (parsed.positionals.length === 0) {
    throw new CliError("check needs at least one .cnn file (see 'cnnc check --help')");
  }
  const results: { file: string; diagnostics: readonly Diagnostic[] }[] = [];
  let exit: ExitCode = EXIT.ok;
  for (const file of parsed.positionals) {
    let text: string;
    try {
      text = await readSourceFile(file);
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      io.stderr.write(errorLine(err.message));
      exit = EXIT.usage;
      continue;
    }
    const { diagnostics } = checkSource(text, file);
    results.push({ file, diagnostics });
    if (diagnostics.some((d) => d.severity === 'error') && exit === EXIT.ok) exit = EXIT.modelErrors;
    if (format === 'text') io.stdout.write(renderDiagnostics(diagnostics, file, text, { color: io.stdout.color }));
  }
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(jsonReport(results), null, 2)}\n`);
  } else if (results.length > 0) {
    const counts = countDiagnostics(results.flatMap((r) => r.diagnostics));
    io.stdout.write(`${countLine(counts, { color: io.stdout.color })}\n`);
  }
  return exit;
}
