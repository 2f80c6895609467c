// cnnc/runtime: what a generated module needs around it to train and to keep its parameters.
//
//   import * as net from './model.js';                         // cnnc compile model.cnn -o model.ts
//   import { sgd, cosineLr, saveParams, loadParams } from 'cnnc/runtime';
//   const params = net.initParams(1), grad = new Float32Array(net.paramCount), ws = net.createWorkspace(32);
//   const opt = sgd(params, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
//   const schedule = cosineLr({ lr: 0.05, tMax: epochs });
//   for (let epoch = 0; epoch < epochs; epoch++) {
//     opt.lr = schedule(epoch);
//     for (const [x, t] of batches) { net.lossAndGrad(params, x, t, grad, ws); opt.step(params, grad); }
//     await saveParams('model.safetensors', params, net.paramLayout, { epoch: String(epoch) });
//   }
//   await loadParams('model.safetensors', net.paramLayout, params);   // or from a PyTorch state_dict
//
// Optimisers follow torch.optim (SGD, Adam, AdamW) and allocate nothing per step. Parameter files are
// safetensors with PyTorch state_dict names and shapes. Everything but saveParams/loadParams is free
// of Node APIs, so this entry point also bundles for a browser.

export type { FloatArray, ParamLayoutEntry } from '../module-api.js';
export type { Optimizer, ParamsOrCount } from './optimizer.js';
export { sgd, type Sgd, type SgdOptions } from './sgd.js';
export { adam, adamw, type Adam, type AdamOptions } from './adam.js';
export { stepLr, cosineLr, type LrSchedule, type StepLrOptions, type CosineLrOptions } from './schedule.js';
export { encodeSafetensors, decodeSafetensors, layoutLength, type SafetensorsMetadata } from './safetensors.js';
export {
  readSafetensorsHeader,
  SafetensorsError,
  DTYPE_BYTES,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './safetensors-format.js';
export { saveParams, loadParams } from './params-file.js';
// Data-parallel training on worker_threads (Node only; like saveParams, its node: modules and the
// compiler are imported when it is called, so a browser bundle stays free of them).
export {
  dataParallel,
  type DataParallelOptions,
  type DataParallelTrainer,
  type ModuleSpec,
} from './parallel.js';
