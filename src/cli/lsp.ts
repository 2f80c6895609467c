// `cnnc lsp --stdio`: the language server (src/lsp) over stdin/stdout, for editors.
// The process ends when the client sends `exit` or closes stdin; run() never returns before that.

import { startStdioServer } from '../lsp/server.js';
import { parseArgs } from './args.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

export const help =
  'usage: cnnc lsp --stdio\n\n' +
  'Run the language server on stdin/stdout (the Language Server Protocol): diagnostics as you type,\n' +
  'hover with shapes and size formulas, inlay hints, completion, formatting, outline, quick fixes.\n' +
  'Editors start it; see docs/editors.md.\n\n' +
  'options:\n' +
  '  --stdio   talk LSP over stdin/stdout (the only transport)\n';

export async function run(args: string[], _io: CliIo): Promise<number> {
  const parsed = parseArgs('lsp', args, [{ name: 'stdio' }]);
  if (parsed.positionals.length > 0) {
    throw new CliError(`lsp takes no file (see 'cnnc lsp --help')`);
  }
  if (parsed.options.get('stdio') !== true) {
    throw new CliError("lsp needs --stdio: it talks LSP over stdin/stdout (see 'cnnc lsp --help')");
  }
  startStdioServer();
  return new Promise<number>(() => undefined);
}
