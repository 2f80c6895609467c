// TensorFlow.js, wasm backend (XNNPACK kernels compiled to WebAssembly). The .wasm binaries load
// from node_modules, never from the network; the backend picks its SIMD build when the engine has
// SIMD, and its multi-threaded build only where it can start workers (not under Node).

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { ROOT } from '../lib/paths.js';
import { tfjsPeer } from './tfjs.js';

export const peer = tfjsPeer('wasm', async () => {
  setWasmPaths(join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
});
