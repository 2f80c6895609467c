// Section C: throughput of every peer on every network, mode and batch size, plus the scalar-JS
// ceiling. One child process per peer and network, strictly one after another.

import type { CeilingRow } from '../children/ceiling.js';
import { runChild } from '../lib/child.js';
import type { Measurement } from '../lib/measure.js';
import { BATCHES, MODES, NETS, loadNet, type Mode } from '../lib/nets.js';
import { PEERS } from '../lib/peers.js';

export interface ThroughputCell {
  readonly net: string;
  readonly peer: string;
  readonly mode: Mode;
  readonly batch: number;
  readonly result?: Measurement;
  readonly error?: string;
}

export interface ThroughputSection {
  /** forward MACs of one sample, per network id */
  readonly macs: Record<string, number>;
  readonly cells: ThroughputCell[];
  /** per peer id: how it ran, or why it could not */
  readonly notes: Record<string, string>;
  readonly ceiling: CeilingRow[];
  readonly ceilingError?: string;
}

export async function runThroughput(
  speed: 'quick' | 'full',
  peers: readonly string[],
  nets: readonly string[],
  log: (s: string) => void,
): Promise<ThroughputSection> {
  log('C: scalar-JS ceiling (matrix multiply 256x256x256)');
  const c = await runChild('ceiling.ts', [speed], 120_000, 'ceiling');
  const cdata = c.messages.find((m) => m.type === 'data');
  const ceiling = cdata !== undefined ? (cdata.data as CeilingRow[]) : [];
  const ceilingError = cdata === undefined ? (c.messages.find((m) => m.type === 'fail')?.error ?? c.crash ?? 'no result') : undefined;

  const macs: Record<string, number> = {};
  const cells: ThroughputCell[] = [];
  const notes: Record<string, string> = {};
  for (const net of NETS.filter((n) => nets.includes(n.id))) {
    macs[net.id] = (await loadNet(net.id)).macs;
    for (const peer of PEERS.filter((p) => peers.includes(p.id))) {
      log(`C: ${net.label} on ${peer.label}`);
      const r = await runChild('peer.ts', [peer.id, net.id, speed], 900_000, `${peer.id} ${net.id}`);
      const got = new Set<string>();
      for (const m of r.messages) {
        if (m.type === 'cell') {
          const cell: ThroughputCell = { net: m.net, peer: peer.id, mode: m.mode, batch: m.batch, ...(m.result ? { result: m.result } : { error: m.error ?? 'no result' }) };
          cells.push(cell);
          got.add(`${m.mode}/${m.batch}`);
          log(`   ${m.mode} B${m.batch}: ${m.result ? `${m.result.medianMs.toFixed(3)} ms (${m.result.runs} runs)` : `n/a (${m.error})`}`);
        } else if (m.type === 'note') notes[peer.id] = m.note;
      }
      const failure = r.messages.find((m) => m.type === 'fail');
      const why = failure?.error ?? r.crash;
      if (why !== undefined) {
        log(`   failed: ${why}`);
        notes[peer.id] = notes[peer.id] ?? `failed: ${why}`;
        for (const mode of MODES)
          for (const batch of BATCHES)
            if (!got.has(`${mode}/${batch}`)) cells.push({ net: net.id, peer: peer.id, mode, batch, error: why });
      }
    }
  }
  return { macs, cells, notes, ceiling, ...(ceilingError !== undefined ? { ceilingError } : {}) };
}
