// TensorFlow.js, cpu backend (plain JavaScript kernels).
import { tfjsPeer } from './tfjs.js';

export const peer = tfjsPeer('cpu', async () => '');
