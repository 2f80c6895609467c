// `cnnc gradcheck FILE [--seed N] [--batch B] [--samples K] [--eps E] [--tol T] [--format text|json]`:
// compiles the model in memory with float64 storage and compares every gradient of its backward
// pass (and of lossAndGrad, when the model has a loss) with central finite differences. The logic
// is src/gradcheck; this file parses options, draws progress and prints the report.
//
// Exit: 0 every gradient matches; 1 a gradient does not, or the model has errors (its diagnostics
// on stderr, as `cnnc check` renders them); 2 usage or an unreadable file.

import {
  DEFAULTS,
  formatGradcheckText,
  GradcheckOptionError,
  gradcheckSource,
  type GradcheckProgress,
} from '../gradcheck/index.js';
import { FORMAT_OPTION, outputFormat, parseArgs, type OptionSpec, type ParsedArgs } from './args.js';
import { CliError, EXIT } from './errors.js';
import { readSourceFile } from './files.js';
import type { CliIo } from './io.js';
import { countDiagnostics, countLine, diagnosticToJson, jsonReport, renderDiagnostics } from './render.js';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'seed', value: 'N' },
  { name: 'batch', value: 'B' },
  { name: 'samples', value: 'K' },
  { name: 'eps', value: 'E' },
  { name: 'tol', value: 'T' },
  { name: 'only', value: 'NAMES' },
  { name: 'unroll', value: 'MODE', choices: ['none', 'auto', 'max'] },
  FORMAT_OPTION,
];

export const help =
  'usage: cnnc gradcheck FILE [--seed N] [--batch B] [--samples K] [--eps E] [--tol T] [--only NAMES]\n\n' +
  'Checks the generated backward pass against central finite differences of the forward pass:\n' +
  '(f(x + eps) - f(x - eps)) / 2eps for each checked element of every parameter tensor and of the\n' +
  'input. The model is compiled in memory with float64 storage, which makes a step of 1e-6 both\n' +
  'small (truncation error ~eps^2) and far above rounding, so a tolerance of 1e-5 is meaningful;\n' +
  'the float32 module you ship runs the same code with narrower arrays.\n\n' +
  'Parameters are drawn He-uniform, inputs and dOutput uniform in [-1, 1], all from the seed. The\n' +
  'scalar checked is sum(dOutput * output) for backward(), and, when the model declares a loss,\n' +
  'the loss against random targets for lossAndGrad() (this covers softmax + cross-entropy).\n' +
  'Forward runs in training mode with the dropout masks replayed identically for every evaluation.\n' +
  'ReLU and max pooling have kinks: at one kink within eps of the point, an element is judged by\n' +
  'the one-sided difference that does not cross it; where several spoil the difference (deep\n' +
  'networks), by steps of eps/10 and eps/100, which must agree with the gradient and not with the\n' +
  'spoiled difference. Relative errors use max(|analytic|, |numeric|), or the rounding noise of\n' +
  'the difference divided by tol when both are smaller.\n\n' +
  'Each checked element costs two forward passes (two more per smaller step): on large models\n' +
  '(AlexNet, VGG) use --batch 1, a few --samples, and --only for the tensors of interest.\n\n' +
  'options:\n' +
  `  --seed N        seed of every random draw (default ${DEFAULTS.seed})\n` +
  `  --batch B       samples per batch (default ${DEFAULTS.batch})\n` +
  `  --samples K     elements checked per tensor (default ${DEFAULTS.samples}; all when fewer): half drawn\n` +
  '                  among those with a nonzero gradient, half uniformly from the whole tensor\n' +
  `  --eps E         finite-difference step (default ${DEFAULTS.eps})\n` +
  `  --tol T         largest relative error that passes (default ${DEFAULTS.tol})\n` +
  '  --only NAMES    only these tensors, comma-separated: c1.weight,c1.bias,input\n' +
  '  --unroll MODE   none|auto|max: the code generator variant to check (default auto)\n' +
  '  --format text|json   text for people (default), json for programs\n\n' +
  'exit status: 0 every gradient matches, 1 a mismatch or a model with errors, 2 bad usage\n';

function integer(parsed: ParsedArgs, name: string, fallback: number, min: number): number {
  const raw = parsed.options.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new CliError(`option '--${name}' must be a whole number >= ${min}, got '${String(raw)}'`);
  }
  return value;
}

function fraction(parsed: ParsedArgs, name: string, fallback: number): number {
  const raw = parsed.options.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !(value > 0 && value < 1)) {
    throw new CliError(`option '--${name}' must be a number between 0 and 1 (exclusive), got '${String(raw)}'`);
  }
  return value;
}

/** Progress on a terminal only, redrawn in place at most ~10 times a second. */
function progress(io: CliIo): { update: (p: GradcheckProgress) => void; clear: () => void } {
  if (!io.stderr.color) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[2Kgradcheck: ${p.done}/${p.total} forward passes (${p.tensor})`);
    },
    clear: () => {
      if (shown) io.stderr.write('\r\x1b[2K');
    },
  };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs('gradcheck', args, OPTIONS);
  const format = outputFormat(parsed);
  if (parsed.positionals.length !== 1) {
    const got = parsed.positionals.length === 0 ? 'none' : `${parsed.positionals.length}`;
    throw new CliError(`gradcheck takes one .cnn file, got ${got} (see 'cnnc gradcheck --help')`);
  }
  const options = {
    seed: integer(parsed, 'seed', DEFAULTS.seed, -(2 ** 31)),
    batch: integer(parsed, 'batch', DEFAULTS.batch, 1),
    samples: integer(parsed, 'samples', DEFAULTS.samples, 1),
    eps: fraction(parsed, 'eps', DEFAULTS.eps),
    tol: fraction(parsed, 'tol', DEFAULTS.tol),
    unroll: (parsed.options.get('unroll') as 'none' | 'auto' | 'max' | undefined) ?? 'auto',
  };
  const only = parsed.options.get('only');
  const tensors =
    typeof only === 'string'
      ? only
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n !== '')
      : undefined;
  const file = parsed.positionals[0]!;
  const text = await readSourceFile(file);
  const bar = progress(io);
  let result;
  try {
    result = await gradcheckSource(text, file, { ...options, ...(tensors ? { tensors } : {}), onProgress: bar.update });
  } catch (err) {
    if (err instanceof GradcheckOptionError) throw new CliError(err.message.replace(/^gradcheck: /, ''));
    throw err;
  } finally {
    bar.clear();
  }
  const { report, diagnostics } = result;
  const opts = { color: io.stderr.color };

  if (report === undefined) {
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify(jsonReport([{ file, diagnostics }]), null, 2)}\n`);
    } else {
      io.stderr.write(renderDiagnostics(diagnostics, file, text, opts));
      io.stderr.write(`${countLine(countDiagnostics(diagnostics), opts)}\n`);
    }
    return EXIT.modelErrors;
  }
  if (format === 'json') {
    io.stdout.write(
      `${JSON.stringify({ file, ...report, diagnostics: diagnostics.map(diagnosticToJson) }, null, 2)}\n`,
    );
  } else {
    if (diagnostics.length > 0) io.stderr.write(renderDiagnostics(diagnostics, file, text, opts));
    io.stdout.write(formatGradcheckText(report, { file, color: io.stdout.color }));
  }
  return report.passed ? EXIT.ok : EXIT.modelErrors;
}
