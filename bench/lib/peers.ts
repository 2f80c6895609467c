// The peers of the throughput section, in the order they run and appear in the tables.

export interface PeerEntry {
  readonly id: string;
  readonly label: string;
  /** module under bench/peers/ exporting `peer` */
  readonly module: string;
}

export const PEERS: readonly PeerEntry[] = [
  { id: 'cnnc', label: 'cnnc', module: 'cnnc.js' },
  { id: 'tfjs-cpu', label: 'TF.js cpu', module: 'tfjs-cpu.js' },
  { id: 'tfjs-wasm', label: 'TF.js wasm', module: 'tfjs-wasm.js' },
  { id: 'convnetjs', label: 'ConvNetJS', module: 'convnetjs.js' },
];
