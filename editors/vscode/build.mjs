// Builds the extension: dist/server.mjs (the language server, src/lsp bundled with its dependencies
// from the repository root) and dist/extension.js (the client; needs `npm install` in this folder
// for vscode-languageclient), for VS Code's Node (20 or later). The server is an ES module: the
// grammar loads chevrotain with a top-level await, which CommonJS cannot express; its CommonJS
// dependencies get a `require` from createRequire.
//
//   npm --prefix editors/vscode install && npm --prefix editors/vscode run build
//
// buildServer() is also used by the root test suite (test/lsp/bundle.test.ts), which checks that
// the bundled server starts and answers.

import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
};

/** The server, from src/lsp/stdio.ts, as one ES module file. */
export async function buildServer(outfile = join(here, 'dist', 'server.mjs')) {
  await build({
    ...common,
    format: 'esm',
    entryPoints: [join(root, 'src', 'lsp', 'stdio.ts')],
    outfile,
    banner: { js: "import { createRequire as __cnncCreateRequire } from 'node:module'; const require = __cnncCreateRequire(import.meta.url);" },
  });
  return outfile;
}

/** The client (CommonJS, as VS Code loads extensions); `vscode` is provided by the editor. */
export async function buildClient(outfile = join(here, 'dist', 'extension.js')) {
  await build({ ...common, format: 'cjs', entryPoints: [join(here, 'src', 'extension.ts')], outfile, external: ['vscode'] });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const server = await buildServer();
  const client = await buildClient();
  console.log(`built ${server}\nbuilt ${client}`);
}
