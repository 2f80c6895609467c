// Section D: data-parallel training (dataParallel from cnnc/runtime) against the single-threaded
// step, per network and batch size. One child process per network and configuration, strictly one
// after another: single-threaded first, then 2 workers.

import { runChild } from '../lib/child.js';
import type { Measurement } from '../lib/measure.js';
import { NETS } from '../lib/nets.js';

export const PARALLEL_BATCHES: readonly number[] = [32, 64];
/** worker threads of the parallel cells: this machine's core count when the section was written */
export const PARALLEL_WORKERS = 2;

export interface ParallelCell {
  readonly net: string;
  readonly batch: number;
  /** 0: single-threaded, in the child's own thread */
  readonly workers: number;
  readonly result?: Measurement;
  readonly error?: string;
  /** dataParallel(...) until it resolved: compile, worker start-up, module load in each */
  readonly startMs?: number;
  /** over the timed runs: CPU time of the whole process (every thread) per step, and over wall time */
  readonly cpuMs?: number;
  readonly coresUsed?: number;
  /** 1-minute load average when the cell started and when it ended */
  readonly load: readonly [number, number];
}

export interface ParallelSection {
  readonly workers: number;
  readonly cells: ParallelCell[];
  readonly notes: string[];
}

export async function runParallel(
  speed: 'quick' | 'full',
  nets: readonly string[],
  log: (s: string) => void,
): Promise<ParallelSection> {
  const cells: ParallelCell[] = [];
  const notes: string[] = [];
  for (const net of NETS.filter((n) => nets.includes(n.id))) {
    for (const workers of [0, PARALLEL_WORKERS]) {
      const what = workers === 0 ? 'single-threaded' : `${workers} workers`;
      log(`D: ${net.label}, training step, ${what}`);
      const r = await runChild(
        'parallel.ts',
        [net.id, String(workers), speed],
        900_000,
        `parallel ${net.id} ${workers}`,
      );
      const got = new Set<number>();
      for (const m of r.messages) {
        if (m.type === 'data') {
          const c = m.data as ParallelCell;
          cells.push(c);
          got.add(c.batch);
          log(
            `   B${c.batch}: ${c.result ? `${c.result.medianMs.toFixed(1)} ms (${c.result.runs} runs, load ${c.load[0].toFixed(2)})` : `n/a (${c.error})`}`,
          );
        } else if (m.type === 'note' && !notes.includes(m.note)) notes.push(m.note);
      }
      const why = r.messages.find((m) => m.type === 'fail')?.error ?? r.crash;
      if (why !== undefined) {
        log(`   failed: ${why}`);
        for (const batch of PARALLEL_BATCHES)
          if (!got.has(batch)) cells.push({ net: net.id, batch, workers, error: why, load: [NaN, NaN] });
      }
    }
  }
  return { workers: PARALLEL_WORKERS, cells, notes };
}
