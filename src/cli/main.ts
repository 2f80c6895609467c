// The cnnc command line: `cnnc <command> [args]`. bin/cnnc.js calls main() from dist/.
// Each command is a module src/cli/<command>.ts exporting run(args, io); this file only dispatches,
// prints help, and turns every failure into an exit code and at most one `cnnc: ...` line.
//
// Exit codes: 0 ok (warnings allowed), 1 a model has errors, 2 usage or input that cannot be read,
// 70 internal error (a bug, or a command missing from this build).
//
// Adding a command: write src/cli/<name>.ts exporting `run(args, io): Promise<number>` (and
// optionally `help`, the text of `cnnc <name> --help`), then add an entry to COMMANDS. A command
// parses its options with parseArgs (args.ts), reads files with readSourceFile (files.ts), prints
// diagnostics with render.ts, writes only through `io`, and throws CliError for usage and I/O
// problems; main prints it as one `cnnc: ...` line. `--help`/`-h` never reaches run().

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, EXIT, errorLine, suggestion } from './errors.js';
import { processIo, type CliIo, type CommandModule } from './io.js';

interface CommandEntry {
  readonly name: string;
  /** `FILE... [--format text|json]` */
  readonly args: string;
  /** one line for `cnnc --help` */
  readonly summary: string;
  /** the rest of `cnnc <name> --help` */
  readonly details: string;
  readonly load: () => Promise<CommandModule>;
}

const FORMAT_HELP = '  --format text|json   text for people (default), json for programs\n';

/** Imports a command module whose file may be missing from this build. The specifier is not a
 * literal so that the build does not require the file to exist. */
async function optionalModule(specifier: string): Promise<CommandModule> {
  return (await import(specifier)) as CommandModule;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'check',
    args: 'FILE... [--format text|json]',
    summary: 'check models; explain every problem with its source line',
    details:
      'Prints each diagnostic as `path:line:col: error: message [code]`, the source line with the\n' +
      'range underlined, a `help:` line per suggested fix, and a count of errors and warnings.\n\n' +
      'options:\n' +
      FORMAT_HELP,
    load: () => import('./check.js'),
  },
  {
    name: 'summary',
    args: 'FILE [--format text|json]',
    summary: 'per-layer shapes, parameters, MACs and the memory of a training step',
    details:
      'Forward MACs count conv and dense multiply-accumulates; backward is 2 x forward for them.\n' +
      'Training memory is for one sample in float32: activations kept for backward + parameters\n' +
      '+ gradients.\n\n' +
      'options:\n' +
      FORMAT_HELP,
    load: () => import('./summary.js'),
  },
  {
    name: 'compile',
    args: 'FILE [-o OUT.ts] [options]',
    summary: 'emit a TypeScript module with the forward and backward passes',
    details:
      'Writes one dependency-free module for the network (see MODULE-API.md).\n\n' +
      'options:\n' +
      '  -o, --output OUT.ts  where to write the module (default: FILE with a .ts extension)\n',
    load: () => optionalModule('./compile.js'),
  },
  {
    name: 'fmt',
    args: 'FILE... [--check]',
    summary: 'rewrite .cnn files in the canonical layout',
    details: 'options:\n  --check   write nothing; list the files that would change\n',
    load: () => optionalModule('./fmt.js'),
  },
  {
    name: 'lsp',
    args: '--stdio',
    summary: 'run the language server for editors',
    details: 'options:\n  --stdio   talk LSP over stdin/stdout\n',
    load: () => optionalModule('./lsp.js'),
  },
  {
    name: 'gradcheck',
    args: 'FILE [options]',
    summary: 'compare the backward pass with finite differences (float64)',
    details: '',
    load: () => optionalModule('./gradcheck.js'),
  },
  // A new command: one entry, same shape. Load a module that may be missing from a build through
  // optionalModule; a module's own `help` export overrides `details` here.
];

const NAMES = [...COMMANDS.map((c) => c.name), 'help'];

export function version(): string {
  // dist/src/cli/main.js and src/cli/main.ts both have the package root as an ancestor.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cnnc' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; go up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length), 'help [COMMAND]'.length);
  const lines = COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}  ${c.summary}`);
  return (
    `cnnc ${version()}: a compiler for convolutional networks written as .cnn files\n\n` +
    'usage: cnnc <command> [options]\n\n' +
    'commands:\n' +
    `${lines.join('\n')}\n` +
    `  ${'help [COMMAND]'.padEnd(width)}  show this help, or a command's\n\n` +
    'options:\n' +
    '  -h, --help     show help\n' +
    '  --version      print the version\n\n' +
    'exit status: 0 ok (warnings allowed), 1 a model has errors, 2 bad usage or unreadable input\n' +
    'Color is used only on a terminal, and never when NO_COLOR is set.\n'
  );
}

function commandHelp(entry: CommandEntry, module?: CommandModule): string {
  if (module?.help !== undefined) return module.help.endsWith('\n') ? module.help : `${module.help}\n`;
  return `usage: cnnc ${entry.name} ${entry.args}\n\n${entry.summary}.\n${entry.details}`;
}

function findCommand(name: string): CommandEntry {
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    throw new CliError(`unknown command '${name}'${suggestion(name, NAMES)} (see 'cnnc --help')`);
  }
  return entry;
}

async function load(entry: CommandEntry): Promise<CommandModule> {
  try {
    return await entry.load();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ERR_MODULE_NOT_FOUND') {
      const missing = /Cannot find (?:module|package) '([^']+)'/.exec(e.message)?.[1] ?? 'a module';
      throw new CliError(
        `the '${entry.name}' command is not available in this build (cannot load ${missing}); ` +
          'run `npm run build` after its sources exist',
        EXIT.internal,
      );
    }
    throw err;
  }
}

/** Whether `--help`/`-h` appears among the options (before a `--`). */
function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(usage());
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest.length > 0) {
      if (rest.length > 1) throw new CliError("help takes at most one command (see 'cnnc --help')");
      const entry = findCommand(rest[0]!);
      io.stdout.write(commandHelp(entry, await load(entry).catch(() => undefined)));
      return EXIT.ok;
    }
    io.stdout.write(usage());
    return EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`cnnc ${version()}\n`);
    return EXIT.ok;
  }
  if (first.startsWith('-')) {
    throw new CliError(`unknown option '${first}'${suggestion(first, ['--help', '--version'])} (see 'cnnc --help')`);
  }
  const entry = findCommand(first);
  if (wantsHelp(rest)) {
    io.stdout.write(commandHelp(entry, await load(entry).catch(() => undefined)));
    return EXIT.ok;
  }
  const module = await load(entry);
  return module.run(rest, io);
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(errorLine(err.message));
      return err.exitCode;
    }
    // A bug: still one line, unless CNNC_DEBUG asks for the stack.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(errorLine(`internal error: ${message.split('\n')[0]}`));
    if (process.env['CNNC_DEBUG'] && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT.internal;
  }
}
