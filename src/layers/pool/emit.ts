// Pooling emitters: maxpool (emit-max.ts), avgpool and globalavgpool (emit-avg.ts).

export { maxpoolEmitter } from './emit-max.js';
export { avgpoolEmitter, globalavgpoolEmitter } from './emit-avg.js';
