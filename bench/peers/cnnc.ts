// cnnc's generated module, compiled in memory from the same .cnn file (src/compile.ts), with the
// training step = lossAndGrad (forward + loss + backward) + a plain SGD update of the flat vector.

import type { GeneratedModule } from '../../src/module-api.js';
import { loadCompiler, loadSgd, type Compile } from '../lib/cnnc.js';
import { LEARNING_RATE, makeBatch, oneHot, type BenchNet, type Mode } from '../lib/nets.js';
import type { Cell, Peer } from './types.js';

let compile: Compile | undefined;
let compilerFrom = '';
const modules = new Map<string, GeneratedModule>();
let sgdFrom = '';

async function moduleFor(net: BenchNet): Promise<GeneratedModule> {
  let m = modules.get(net.entry.id);
  if (m === undefined) {
    if (compile === undefined) throw new Error('compiler not loaded');
    m = await compile(net.text, net.entry.file);
    modules.set(net.entry.id, m);
  }
  return m;
}

export const peer: Peer = {
  async init() {
    const c = await loadCompiler();
    compile = c.value;
    compilerFrom = c.from;
  },

  note() {
    return `compileSource(format: false) + loadModule from ${compilerFrom}; SGD: ${sgdFrom || 'not used'}`;
  },

  async prepare(net: BenchNet, mode: Mode, batch: number): Promise<Cell> {
    const mod = await moduleFor(net);
    const size = mod.inputShape.reduce((a, b) => a * b, 1);
    const { input, labels } = makeBatch(size, batch, net.classes);
    const params = mod.initParams(1);
    const ws = mod.createWorkspace(batch, 1);
    // A fast module that computes nonsense would make a meaningless row: softmax rows sum to 1.
    const out = mod.forward(params, input, ws, false);
    for (let b = 0; b < batch; b++) {
      let sum = 0;
      for (let k = 0; k < net.classes; k++) sum += out[b * net.classes + k]!;
      if (!(Math.abs(sum - 1) < 1e-3)) throw new Error(`sample ${b}'s softmax output sums to ${sum}, not 1`);
    }
    if (mode === 'infer') return { run: () => void mod.forward(params, input, ws, false) };

    const lossAndGrad = mod.lossAndGrad;
    if (lossAndGrad === undefined) throw new Error('the module has no lossAndGrad');
    const target = oneHot(labels, net.classes);
    const grad = new Float32Array(mod.paramCount);
    const sgd = await loadSgd(params, LEARNING_RATE);
    sgdFrom = sgd.from;
    const step = sgd.value;
    const loss = lossAndGrad(params, input, target, grad, ws);
    if (!Number.isFinite(loss) || loss <= 0) throw new Error(`lossAndGrad returned ${loss}`);
    return {
      run: () => {
        lossAndGrad(params, input, target, grad, ws);
        step(params, grad);
      },
    };
  },
};

