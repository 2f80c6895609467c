// Loading a generated module quickly: esbuild strips the types (TypeScript's own transpileModule,
// which src/compile.ts's loadModuleSync uses, takes ~100 ms on a 60 KB module; esbuild ~1 ms), then
// the module body runs in a function that returns its exports, as loadModuleSync does.
// Type-checking is tsc's job, in typecheck.test.ts.

import { transformSync } from 'esbuild';
import type { GeneratedModule } from '../../../src/module-api.js';

export function loadFast(code: string): GeneratedModule {
  // esbuild writes the exports as one `export { a, b };` at the end
  const js = transformSync(code, { loader: 'ts', format: 'esm', target: 'es2022' }).code;
  const m = /\nexport \{([\s\w$,]*)\};\s*$/.exec(js);
  if (m === null) throw new Error('loadFast: no export list at the end of the module');
  const names = m[1]!
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const body = js.slice(0, m.index);
  if (/^\s*(export|import)\b/m.test(body))
    throw new Error('loadFast: an import or export form this loader does not know');
  return new Function(`'use strict';\n${body}\nreturn { ${names.join(', ')} };`)() as GeneratedModule;
}
