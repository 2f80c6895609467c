// Child process for params-file.test.ts: saves a 4 MB parameter file over an existing one. Run under
// `ulimit -f` (a file size limit below 4 MB), the write fails for real with EFBIG (Node ignores
// SIGXFSZ), which is the failure the atomic save must survive. Prints the outcome as JSON.

import { saveParams } from '../../../src/runtime/index.js';

const target = process.argv[2]!;
const n = 1 << 20;
try {
  await saveParams(target, new Float32Array(n).fill(0.25), [{ name: 'w', offset: 0, shape: [n] }]);
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: (e as NodeJS.ErrnoException).code, message: (e as Error).message }));
}
