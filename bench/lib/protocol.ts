// Messages from the child processes to bench/run.ts (over the IPC channel of child_process.fork).

import type { Measurement } from './measure.js';
import type { Mode } from './nets.js';

export interface CellMessage {
  readonly type: 'cell';
  readonly net: string;
  readonly mode: Mode;
  readonly batch: number;
  readonly result?: Measurement;
  /** why the cell could not run */
  readonly error?: string;
}

export interface NoteMessage {
  readonly type: 'note';
  readonly note: string;
}

/** The peer could not start at all (library or compiler missing): every cell is n/a for this. */
export interface FailMessage {
  readonly type: 'fail';
  readonly error: string;
}

export interface DataMessage {
  readonly type: 'data';
  readonly data: unknown;
}

export type ChildMessage = CellMessage | NoteMessage | FailMessage | DataMessage;

export function send(m: ChildMessage): void {
  if (process.send === undefined) {
    process.stdout.write(JSON.stringify(m) + '\n');
    return;
  }
  process.send(m);
}

export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 200);
}
