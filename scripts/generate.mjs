// node scripts/generate.mjs [--out DIR]   (after `npm run build`; `npm run generate` does both)
//
// Compiles every examples/*.cnn (not examples/errors/) into generated/<name>.ts with the default
// options, deterministically: the header names the source as examples/<name>.cnn and nothing in
// the output depends on the time or the machine. Files whose content did not change are left
// alone; generated/*.ts without a matching example are removed. Exits 1 if an example does not
// compile.
//
// Loads the compiler from dist/, or from src/ when CNNC_FROM_SRC=1 and node runs with
// `--import tsx` (what the tests do).

import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const i = process.argv.indexOf('--out');
  const outDir = i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : join(root, 'generated');
  const entry = process.env.CNNC_FROM_SRC === '1' ? join(root, 'src/compile.ts') : join(root, 'dist/src/compile.js');
  if (!existsSync(entry)) {
    process.stderr.write(`generate: ${entry} is missing; run \`npm run build\` first\n`);
    return 2;
  }
  const { compileSource } = await import(new URL(`file://${entry}`).href);
  const examples = readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.cnn'))
    .sort();
  mkdirSync(outDir, { recursive: true });
  const wanted = new Set();
  let failed = 0;
  for (const f of examples) {
    const name = f.slice(0, -4);
    const source = `examples/${f}`;
    const result = await compileSource(readFileSync(join(root, source), 'utf8'), source);
    if (result.code === undefined) {
      failed++;
      process.stderr.write(`generate: ${source} does not compile:\n`);
      for (const d of result.diagnostics) process.stderr.write(`  ${d.range.start.line}:${d.range.start.column} ${d.message}\n`);
      continue;
    }
    const target = join(outDir, `${name}.ts`);
    wanted.add(`${name}.ts`);
    const old = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (old !== result.code) writeFileSync(target, result.code);
    process.stdout.write(`${old === result.code ? 'unchanged' : 'wrote    '} ${relative(process.cwd(), target)} (${result.code.length} bytes)\n`);
  }
  for (const f of readdirSync(outDir)) {
    if (f.endsWith('.ts') && !wanted.has(f) && !f.endsWith('.d.ts')) {
      unlinkSync(join(outDir, f));
      process.stdout.write(`removed   ${relative(process.cwd(), join(outDir, f))}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`generate: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
