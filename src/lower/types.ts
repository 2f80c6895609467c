// The lowered network: what the emitter needs and nothing it has to work out again. Every layer
// becomes a step (a conv or dense layer followed by an activation is one fused step), every tensor a
// named workspace buffer or a slice of the flat parameter vector, every loop range a number.

import type { ActivationKind, Layer, LayerKind, LossKind, Network, Shape } from '../network.js';

export type UnrollMode = 'none' | 'auto' | 'max';

export interface LowerOptions {
  readonly unroll: UnrollMode;
  /** force one input-gradient method for every conv layer (tests; the gather exists for stride 1 only, strided layers always scatter); default: chosen per layer */
  readonly inputGradMethod?: 'gather' | 'scatter';
  /** force the direct convolution even where the window covers the whole input (tests) */
  readonly noConvAsDense?: boolean;
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
 * A map of `channels` planes of `h` x `w` copied into scratch with `top` zero rows above and below
 * and `left` zero columns left and right: rows x cols per channel. Kernels that read the copy need
 * no bounds test anywhere: the zeros are the padding.
 */
export interface PadGeometry {
  readonly channels: number;
  readonly h: number;
  readonly w: number;
  readonly top: number;
  readonly left: number;
  readonly rows: number;
  readonly cols: number;
  readonly plane: number;
}

/** How one correlation (src/layers/conv/corr.ts) is written. */
export interface CorrBlock {
  /** window: every tap unrolled; row: one kernel row unrolled, the rows a loop; none: plain loops */
  readonly unroll: 'window' | 'row' | 'none';
  /** output channels per pass, each its own accumulators (1 when unroll is none) */
  readonly fb: number;
  /** adjacent output positions per pass (1 when unroll is none) */
  readonly pb: number;
}

/**
 * The weight gradient: accumulators for `fbw` filters x `rows` kernel rows x the kernel width, the
 * error map read `pb` positions at a time (rows), or one position at a time skipping the zeros
 * (sparse: where max pooling follows, most of the error map is zero); none: plain loops, one
 * weight at a time.
 */
export interface WeightGradBlock {
  readonly unroll: 'rows' | 'sparse' | 'none';
  readonly fbw: number;
  readonly rows: number;
  readonly pb: number;
}

/**
 * The input gradient, the full correlation of dz with the 180-degree-rotated kernel, either
 *   gather:  as a valid correlation (corr.ts) over dz zero-padded by D*(K-1) - P (stride 1 only);
 *   scatter: each nonzero dz[f, oy, ox] sent back through its window into a zero-padded scratch,
 *            which skips the zeros (most of them when max pooling follows) and handles any stride.
 */
export type InputGradPlan =
  | { readonly method: 'gather'; readonly pad?: PadGeometry; readonly block: CorrBlock }
  | { readonly method: 'scatter'; readonly unroll: 'window' | 'row' | 'none' };

export interface ConvPlan {
  readonly kind: 'conv';
  readonly geom: WindowGeometry;
  /** the input zero-padded into scratch s0 for forward and the weight gradient (absent: no padding) */
  readonly inputPad?: PadGeometry;
  readonly forward: CorrBlock;
  readonly weightGrad: WeightGradBlock;
  readonly inputGrad: InputGradPlan;
  /**
   * At most this fraction of the error map is nonzero: 1/(window area) when max pooling with
   * non-overlapping windows follows (each pooled value routes its gradient to one position).
   */
  readonly density: number;
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
  /**
   * Register blocks (none: all 1). Forward: `ob` outputs x `bb` samples per pass; weight gradient:
   * `ob` outputs x `ib` inputs; input gradient: `ib` inputs x `bb` samples. Samples beyond the
   * last full block of `bb` run one at a time.
   */
  readonly ob: number;
  readonly ib: number;
  readonly bb: number;
  /** outputs per pass in the forward of a sample on its own (the rest of the batch, or batch 1) */
  readonly ob1: number;
  /** a conv layer whose window covers its whole unpadded input, computed as this dense layer */
  readonly fromConv: boolean;
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
  /** the input-gradient function (conv and dense) */
  readonly inputGrad?: number;
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
  /**
   * conv and dense: the input gradient has a function of its own, run after backwardFn (which
   * computes the parameter gradients), so that lossAndGrad can leave out the first layer's
   */
  readonly inputGradFn?: string;
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
