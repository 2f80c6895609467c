// mulberry32: a small seeded PRNG, uniform floats in [0, 1) (the one cnnc gradcheck draws from).
// Everything random in the MNIST example (split, epoch order, augmentation) comes from it, so a
// run is reproducible by its seed.

export { mulberry32 } from '../../src/gradcheck/random.js';
