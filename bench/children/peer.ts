// Child process: one peer, one network, every mode and batch size, one cell after another.
// argv: PEER_ID NET_ID quick|full

import { DEFAULT_BUDGET, QUICK_BUDGET, measure } from '../lib/measure.js';
import { BATCHES, MODES, loadNet } from '../lib/nets.js';
import { PEERS } from '../lib/peers.js';
import { errorText, send } from '../lib/protocol.js';
import type { Peer } from '../peers/types.js';

async function main(): Promise<void> {
  const [peerId, netId, speed] = process.argv.slice(2);
  const entry = PEERS.find((p) => p.id === peerId);
  if (entry === undefined || netId === undefined) throw new Error(`usage: peer.ts PEER NET quick|full (got ${peerId} ${netId})`);
  const budget = speed === 'quick' ? QUICK_BUDGET : DEFAULT_BUDGET;
  const net = await loadNet(netId);
  let peer: Peer;
  try {
    peer = ((await import(`../peers/${entry.module}`)) as { peer: Peer }).peer;
    await peer.init();
  } catch (e) {
    send({ type: 'fail', error: errorText(e) });
    return;
  }
  for (const mode of MODES) {
    for (const batch of BATCHES) {
      try {
        const cell = await peer.prepare(net, mode, batch);
        const result = measure(() => cell.run(), budget);
        cell.dispose?.();
        send({ type: 'cell', net: netId, mode, batch, result });
      } catch (e) {
        send({ type: 'cell', net: netId, mode, batch, error: errorText(e) });
      }
    }
  }
  send({ type: 'note', note: peer.note() });
}

main().then(
  () => process.disconnect?.(),
  (e: unknown) => {
    send({ type: 'fail', error: errorText(e) });
    process.disconnect?.();
  },
);
