// The contract of every generated module (shared/MODULE-API.md), as a TypeScript type, so the
// runtime, the CLI's gradcheck and the tests can use a module loaded at run time with types.

export interface ParamLayoutEntry {
  readonly name: string;
  readonly offset: number;
  readonly shape: readonly number[];
}

/** Opaque to callers; each generated module declares its own concrete Workspace. */
export interface Workspace {
  readonly batch: number;
}

/** Float32Array normally; Float64Array for modules compiled with `dtype: 'f64'` (gradient checks). */
export type FloatArray = Float32Array | Float64Array;

export interface GeneratedModule {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly paramCount: number;
  readonly paramLayout: readonly ParamLayoutEntry[];
  initParams(seed?: number): FloatArray;
  createWorkspace(batch?: number, seed?: number): Workspace;
  forward(params: FloatArray, input: FloatArray, ws: Workspace, training?: boolean): FloatArray;
  backward(params: FloatArray, ws: Workspace, dOutput: FloatArray, grad: FloatArray): FloatArray;
  /** present when the model declares a loss */
  lossAndGrad?(params: FloatArray, input: FloatArray, target: FloatArray, grad: FloatArray, ws: Workspace): number;
}
