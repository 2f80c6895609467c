// `cnnc summary FILE [--format text|json]`: the cost table of one model on stdout.
// Warnings go to stderr in text mode (stdout stays the table) and into `diagnostics` in JSON.
// A model with errors: its diagnostics as `check` renders them (stderr in text mode, the check
// JSON report on stdout in JSON mode), exit 1.

import { checkSource } from '../check/index.js';
import { formatSummaryJson, formatSummaryText, summarize } from '../summary/index.js';
import { FORMAT_OPTION, outputFormat, parseArgs } from './args.js';
import { CliError, EXIT } from './errors.js';
import { readSourceFile } from './files.js';
import type { CliIo } from './io.js';
import { countDiagnostics, countLine, diagnosticToJson, jsonReport, renderDiagnostics } from './render.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs('summary', args, [FORMAT_OPTION]);
  const format = outputFormat(parsed);
  if (parsed.positionals.length !== 1) {
    const got = parsed.positionals.length === 0 ? 'none' : `${parsed.positionals.length}`;
    throw new CliError(`summary takes one .cnn file, got ${got} (see 'cnnc summary --help')`);
  }
  const file = parsed.positionals[0]!;
  const text = await readSourceFile(file);
  const { network, diagnostics } = checkSource(text, file);

  if (network === undefined) {
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify(jsonReport([{ file, diagnostics }]), null, 2)}\n`);
    } else {
      const opts = { color: io.stderr.color };
      io.stderr.write(renderDiagnostics(diagnostics, file, text, opts));
      io.stderr.write(`${countLine(countDiagnostics(diagnostics), opts)}\n`);
    }
    return EXIT.modelErrors;
  }

  const summary = summarize(network);
  if (format === 'json') {
    io.stdout.write(formatSummaryJson(summary, { diagnostics: diagnostics.map(diagnosticToJson) }));
  } else {
    if (diagnostics.length > 0) io.stderr.write(renderDiagnostics(diagnostics, file, text, { color: io.stderr.color }));
    io.stdout.write(formatSummaryText(summary));
  }
  return EXIT.ok;
}
