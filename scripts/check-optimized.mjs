// node --allow-natives-syntax scripts/check-optimized.mjs [--batch N] [--unroll none|auto|max]
//
// Compiles LeNet-5 and MNIST-CNN in memory (examples/lenet5.cnn, examples/mnist-cnn.cnn; inline
// copies when those are missing), warms up every exported function and every internal one, and
// checks that V8 optimised each with TurboFan (%GetOptimizationStatus). Prints a table; exits 1 if
// one is not optimised, 2 on a usage problem.
//
// Internal functions are reached through `__layers`, which a module exports only when compiled
// with `exposeLayers: true` (the module is otherwise byte for byte what `cnnc compile` writes).
// Every step function has one of two signatures, fwd(p, ws, training) and bwd(p, ws, grad), so the
// warm-up calls them alike; the drivers and the loss are called with their own arguments.
//
// Loads the compiler from dist/ (run `npm run build` first), or from src/ when CNNC_FROM_SRC=1 and
// node runs with `--import tsx` (what the test does).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

let natives;
try {
  natives = {
    status: new Function('f', 'return %GetOptimizationStatus(f);'),
    finalize: new Function('%FinalizeOptimization();'),
    prepare: new Function('f', '%PrepareFunctionForOptimization(f);'),
    optimize: new Function('f', '%OptimizeFunctionOnNextCall(f);'),
  };
} catch {
  process.stderr.write('check-optimized: run it as `node --allow-natives-syntax scripts/check-optimized.mjs`\n');
  process.exit(2);
}

// V8 11.x OptimizationStatus bits (src/runtime/runtime.h)
const BITS = [
  [0, 'function'],
  [1, 'never-optimize'],
  [2, 'always-optimize'],
  [3, 'maybe-deopted'],
  [4, 'optimized'],
  [5, 'maglev'],
  [6, 'turbofan'],
  [7, 'interpreted'],
  [8, 'marked-for-opt'],
  [9, 'marked-for-concurrent-opt'],
  [10, 'optimizing-concurrently'],
  [11, 'executing'],
  [12, 'topmost-frame-turbofan'],
  [13, 'lite-mode'],
  [14, 'marked-for-deopt'],
  [15, 'baseline'],
  [16, 'topmost-frame-interpreted'],
  [17, 'topmost-frame-baseline'],
  [18, 'lazy'],
  [19, 'topmost-frame-maglev'],
];
const TURBOFAN = (1 << 4) | (1 << 6);

const decode = (s) =>
  BITS.filter(([bit]) => s & (1 << bit))
    .map(([, name]) => name)
    .filter((n) => n !== 'function')
    .join(' ');

const INLINE = {
  lenet5: `network lenet5
input 1x32x32
c1: conv 6 5x5 relu
s2: maxpool 2x2
c3: conv 16 5x5 relu
s4: maxpool 2x2
c5: conv 120 5x5 relu
flatten
f6: dense 84 relu
out: dense 10
softmax
loss cross_entropy
`,
  'mnist-cnn': `network mnist_cnn
input 28x28
conv1: conv 32 5x5 pad same relu
pool1: maxpool 2
conv2: conv 64 5x5 pad same relu
pool2: maxpool 2
fc1: dense 1024 relu
dropout 0.5
fc2: dense 10
softmax
loss cross_entropy
`,
};

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

async function main() {
  const fromSrc = process.env.CNNC_FROM_SRC === '1';
  const entry = fromSrc ? join(root, 'src/compile.ts') : join(root, 'dist/src/compile.js');
  if (!existsSync(entry)) {
    process.stderr.write(`check-optimized: ${entry} is missing; run \`npm run build\` first\n`);
    return 2;
  }
  const { compileSource, loadModule } = await import(new URL(`file://${entry}`).href);
  const batch = Number(option('--batch', '1'));
  const unroll = option('--unroll', 'auto');
  const rows = [];
  for (const name of Object.keys(INLINE)) {
    const file = join(root, 'examples', `${name}.cnn`);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : INLINE[name];
    const result = await compileSource(text, `examples/${name}.cnn`, { exposeLayers: true, unroll });
    if (result.code === undefined) {
      process.stderr.write(`check-optimized: ${name} does not compile:\n${result.diagnostics.map((d) => d.message).join('\n')}\n`);
      return 2;
    }
    const mod = await loadModule(result.code);
    rows.push(...warmAndCheck(name, mod, batch));
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  process.stdout.write(`${'function'.padEnd(width)}  ok   how         status  bits\n`);
  for (const r of rows) {
    const cells = [r.name.padEnd(width), r.ok ? 'yes' : 'NO ', r.how.padEnd(10), String(r.status).padStart(7)];
    process.stdout.write(`${cells.join('  ')}  ${decode(r.status)}\n`);
  }
  const bad = rows.filter((r) => !r.ok);
  process.stdout.write(bad.length === 0 ? `all ${rows.length} functions optimised by TurboFan\n` : `${bad.length} of ${rows.length} functions not optimised\n`);
  return bad.length === 0 ? 0 : 1;
}

function warmAndCheck(name, mod, batch) {
  const inSize = mod.inputShape.reduce((a, b) => a * b, 1);
  const outSize = mod.outputShape.reduce((a, b) => a * b, 1);
  const params = mod.initParams(1);
  const ws = mod.createWorkspace(batch, 1);
  const input = Float32Array.from({ length: batch * inSize }, (_, i) => Math.sin(i * 0.37));
  const target = new Float32Array(batch * outSize);
  for (let b = 0; b < batch; b++) target[b * outSize + (b % outSize)] = 1;
  const dOutput = Float32Array.from({ length: batch * outSize }, (_, i) => Math.cos(i));
  const grad = new Float32Array(mod.paramCount);

  const calls = [
    ['forward', () => mod.forward(params, input, ws, true), mod.forward],
    ['backward', () => mod.backward(params, ws, dOutput, grad), mod.backward],
    ['lossAndGrad', () => mod.lossAndGrad(params, input, target, grad, ws), mod.lossAndGrad],
    ['createWorkspace', () => mod.createWorkspace(batch, 2), mod.createWorkspace],
    ['initParams', () => mod.initParams(2), mod.initParams],
  ];
  for (const [fn, f] of Object.entries(mod.__layers)) {
    let call;
    if (fn.endsWith('_fwd') || fn === 'runForward') call = () => f(params, ws, true);
    else if (fn.endsWith('_bwd') || fn.endsWith('_bwd_dx') || fn === 'runBackward') call = () => f(params, ws, grad);
    else call = () => f(ws, target);
    calls.push([fn, call, f]);
  }
  // Natural warm-up first: the step functions hold the long loops, so they tier up by themselves
  // (through OSR, then on a later call). The drivers and API wrappers do almost nothing per call
  // and would need thousands of expensive calls to get hot; those still interpreted after the
  // warm-up are optimised on request (%OptimizeFunctionOnNextCall), which TurboFan refuses for a
  // function over --max-optimized-bytecode-size, so the check stays meaningful. Final rounds of
  // calls then check that everything is (still, or again) optimised.
  const ok = (f) => (natives.status(f) & TURBOFAN) === TURBOFAN;
  const deadline = Date.now() + 30_000;
  for (let round = 0; round < 8 && Date.now() < deadline; round++) {
    for (const [, call] of calls) call();
    natives.finalize();
    if (calls.every(([, , f]) => ok(f))) break;
  }
  const how = new Map();
  for (const [fn, call, f] of calls) {
    if (ok(f)) {
      how.set(fn, 'warm');
      continue;
    }
    natives.prepare(f);
    call();
    natives.optimize(f);
    call();
    natives.finalize();
    how.set(fn, 'on request');
  }
  // The final calls: a function whose data takes a branch it had not taken during warm-up (a zero
  // dz in a sparse path, say) deoptimises once and is optimised again on the following calls, as
  // in any long run; what must not happen is a function that stays unoptimised.
  for (let round = 0; round < 8 && Date.now() < deadline + 30_000; round++) {
    for (const [, call] of calls) call();
    natives.finalize();
    if (calls.every(([, , f]) => ok(f))) break;
  }
  return calls.map(([fn, , f]) => ({ name: `${name}.${fn}`, status: natives.status(f), ok: ok(f), how: how.get(fn) }));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`check-optimized: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
