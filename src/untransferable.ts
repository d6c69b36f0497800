/**
 * Received memory is marked untransferable, as Node marks the pool its own
 * `Buffer.from` and `Buffer.allocUnsafe` carve from: one ArrayBuffer holds
 * the payloads of a read (on `'uv'`, of several reads: the receive pool),
 * so a transfer of one payload's `.buffer` (`postMessage(data, [data.buffer])`,
 * `structuredClone` with `transfer`) would empty every Buffer on it, those
 * delivered before too. Marked, a transfer copies it instead (Node 20) or
 * throws `DataCloneError` (Node 22 and later), as for Node's pooled
 * Buffers. Where the runtime has no `markAsUntransferable` (Bun, Deno), it
 * does nothing.
 */
import * as workerThreads from 'node:worker_threads'

const mark: ((object: object) => void) | undefined = (workerThreads as { markAsUntransferable?: (object: object) => void }).markAsUntransferable

/** Marks `memory` untransferable (once per ArrayBuffer is enough; again is harmless). */
export function untransferable(memory: ArrayBuffer): void {
  if (mark !== undefined) mark(memory)
}
