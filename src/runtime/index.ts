// cnnc/runtime: what a generated module needs around it to train and to keep its parameters.
//   import { sgd, adam, saveParams, loadParams } from 'cnnc/runtime';

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
