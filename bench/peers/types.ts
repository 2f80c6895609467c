// What each peer of the throughput section provides: a way to build a cell (one network, mode and
// batch size) as a function that runs one batch. Each peer runs in a child process of its own.

import type { BenchNet, Mode } from '../lib/nets.js';

export interface Cell {
  /** one batch: inference forward, or a training step (forward + backward + SGD update) */
  run(): void;
  dispose?(): void;
}

export interface Peer {
  /** set up the library once per process */
  init(): Promise<void>;
  /** after the cells: how it ran (backend, flags, which optimiser), for the notes under the table */
  note(): string;
  /** throws when the peer cannot run this cell; the message becomes the cell's "n/a (reason)" */
  prepare(net: BenchNet, mode: Mode, batch: number): Promise<Cell>;
}
