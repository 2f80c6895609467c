// The lowered network: what the emitter needs and nothing it has to work out again. Every layer
// becomes a step (a conv or dense layer followed by an activation is one fused step), every tensor a
// named workspace buffer or a slice of the flat parameter vector, every loop range a number.

import type { ActivationKind, Layer, LayerKind, LossKind, Network, Shape } from '../network.js';

export type UnrollMode = 'none' | 'auto' | 'max';

export interface LowerOptions {
  readonly unroll: UnrollMode;
  /** force one input-gradient method for every conv layer (tests); default: chosen per layer */
  readonly inputGradMethod?: 'gather' | 'scatter';
}

/** A slice of the flat parameter vector (PyTorch layout). */
export interface ParamSlot {
  readonly name: string; // "c1.weight"
  readonly offset: number;
  readonly shape: readonly number[];
  readonly size: number;
}

export type BufferRole = 'input' | 'activation' | 'gradient' | 'mask' | 'argmax' | 'scratch';

/** A workspace field, `perSample * batch` elements long (scratch: `perSample` alone). */
export interface BufferDecl {
  readonly name: string; // a field of the generated Workspace: "a0", "g1", "m4", "i2", "e0"
  readonly role: BufferRole;
  readonly int32: boolean; // Int32Array (maxpool argmax) rather than the float type
  readonly perSample: number;
  /** false for scratch that holds one sample at a time */
  readonly batched: boolean;
  /** what it holds, for the comment beside the field */
  readonly doc: string;
}

/** Half-open rectangle [y0, y1) x [x0, x1). */
export interface Rect {
  readonly y0: number;
  readonly y1: number;
  readonly x0: number;
  readonly x1: number;
}

/** One input position class of a conv's backward gather: iy = ry + sy*ty, ix = rx + sx*tx. */
export interface TapClass {
  readonly ry: number;
  readonly rx: number;
  /** kernel taps that reach this class; (ty + doy, tx + dox) is the error-map position they read */
  readonly taps: readonly { readonly ky: number; readonly kx: number; readonly doy: number; readonly dox: number }[];
  /** ty in [0, ty1), tx in [0, tx1): every position of the class in the input */
  readonly ty1: number;
  readonly tx1: number;
}

/**
 * Sliding-window arithmetic of one conv or pooling layer, per axis:
 * out = floor((in + 2P - D*(K-1) - 1) / S) + 1.
 */
export interface WindowGeometry {
  readonly c: number; // input channels
  readonly h: number;
  readonly w: number;
  readonly f: number; // output channels (= c for pooling)
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
  /** output positions whose whole window lies inside the input (empty: y0 >= y1 or x0 >= x1) */
  readonly inner: Rect;
  /** the output positions outside `inner`, as at most four rectangles */
  readonly edges: readonly Rect[];
}

/**
 * For conv backward: the input gradient gathers from the error map padded with zeros (top,
 * bottom, left, right) so that every tap of every input position lands inside it; then no
 * position needs a bounds test. No padding at all (pad full, for one) reads dz directly.
 */
export interface GatherGeometry {
  readonly classes: readonly TapClass[];
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
  /** padded error map: rows, columns, elements per channel */
  readonly rows: number;
  readonly cols: number;
  readonly plane: number;
}

/** `generic`: plain loops with bounds tests everywhere (unroll none, or nothing else fits). */
export type ConvPart<T> = { readonly generic: true } | ({ readonly generic: false } & T);

export interface ConvPlan {
  readonly kind: 'conv';
  readonly geom: WindowGeometry;
  readonly gather: GatherGeometry;
  /**
   * fb output channels x pb adjacent positions per pass, each its own accumulator (a weight is
   * loaded once for pb positions, an input once for fb channels); unrollChannels: the c loop too
   */
  readonly forward: ConvPart<{ readonly fb: number; readonly pb: number; readonly unrollChannels: boolean }>;
  /** filters per block of the weight gradient; accumulators: fbw x kh x kw */
  readonly weightGrad: ConvPart<{ readonly fbw: number }>;
  /**
   * The input gradient as a gather from the zero-padded error map (no bounds tests, but it
   * multiplies the padding too), or as the equivalent scatter (exact work, border checked); the
   * scatter is taken when the gather would do over 1.5 times the useful work.
   */
  readonly inputGradMethod: 'gather' | 'scatter';
  /** input channels per block of the input gradient */
  readonly inputGrad: ConvPart<{ readonly cb: number }>;
  /** workspace scratch holding the padded error map of one sample; absent when gather needs no padding */
  readonly scratch?: string;
}

export interface PoolPlan {
  readonly kind: 'pool';
  readonly geom: WindowGeometry;
  /** window taps unrolled in the interior; false: one generic loop nest */
  readonly unroll: boolean;
}

export interface DensePlan {
  readonly kind: 'dense';
  readonly inputs: number;
  readonly units: number;
  /** outputs per block in forward (accumulators) */
  readonly ob: number;
  /** weight columns per block in the input and weight gradients (accumulators) */
  readonly ib: number;
}

export interface SimplePlan {
  readonly kind: 'simple';
}

export type StepPlan = ConvPlan | PoolPlan | DensePlan | SimplePlan;

/** An activation folded into the conv or dense step before it; its derivative is taken from y. */
export interface FusedActivation {
  readonly layer: Layer;
  readonly kind: ActivationKind;
  readonly slope: number; // leakyrelu only (>= 0 when fused); 0 otherwise
}

/** Estimated V8 bytecode size (bytes) of the step's emitted functions. */
export interface SizeEstimate {
  readonly forward: number;
  readonly backward: number;
}

export interface LoweredStep {
  readonly index: number;
  readonly kind: LayerKind;
  readonly layer: Layer;
  readonly fused?: FusedActivation;
  /** the source layers this step computes (the layer, then a fused activation) */
  readonly layers: readonly Layer[];
  readonly input: Shape;
  readonly output: Shape;
  readonly inSize: number; // per sample
  readonly outSize: number;
  /** activation buffers: x read, y written (y === x for an alias step, flatten) */
  readonly x: string;
  readonly y: string;
  /** gradient buffers: dy read, dx written (dx === dy when computed in place) */
  readonly dy: string;
  readonly dx: string;
  readonly weight?: ParamSlot;
  readonly bias?: ParamSlot;
  readonly mask?: string; // dropout: 0 or 1/(1-rate) per element
  readonly argmax?: string; // maxpool: index into the sample's input, per output element
  /** emitted function names; absent for steps that emit no code (flatten is a view) */
  readonly forwardFn?: string;
  readonly backwardFn?: string;
  readonly plan: StepPlan;
  readonly estimate: SizeEstimate;
}

export interface LoweredNet {
  readonly network: Network;
  readonly name: string;
  readonly file: string;
  readonly input: Shape;
  readonly output: Shape;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  readonly params: readonly ParamSlot[];
  readonly buffers: readonly BufferDecl[];
  readonly steps: readonly LoweredStep[];
  /** where forward() copies the input, and where the network's output ends up */
  readonly inputBuffer: string;
  readonly outputBuffer: string;
  /** gradient buffers of the output and the input (backward() copies dOutput into the first) */
  readonly outputGrad: string;
  readonly inputGrad: string;
  readonly loss?: LossKind;
  readonly unroll: UnrollMode;
  /** per-function estimate limit the unroll decisions kept to (bytes of bytecode) */
  readonly budget: number;
}
