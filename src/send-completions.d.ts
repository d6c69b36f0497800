/**
 * The send side of a handle after the binding: the callbacks of sends whose
 * outcome is known, run in call order, and the sends taken from the binding
 * whose callback has not run yet (which still count in the queue's size).
 */
import type { NativeUdp } from '../binding';
import type { Fifo } from './fifo';
import type { Loop } from './loop';
/** A send's callback: `error` is `null` on success. */
export type CompletionCallback<H> = (handle: H, error: number | null) => void;
/** What the completions need of their handle: its flush, which the loop calls too. */
export interface FlushingHandle {
    _flushSends(): void;
}
export declare class SendCompletions<H extends FlushingHandle> {
    #private;
    constructor(handle: H, native: NativeUdp, loop: Loop, callbacks: Fifo<CompletionCallback<H>>);
    /** Sends taken from the binding whose callback has not run yet. */
    get takenCount(): number;
    /** Their bytes. */
    get takenBytes(): number;
    /**
     * Runs the callbacks of the sends whose outcome is known, in call order,
     * each under the loop's report. Called from one of those callbacks, it
     * does nothing (the running flush takes what completes meanwhile).
     */
    run(): void;
    /** The handle's flush on the next turn (once, however often asked before it). */
    schedule(): void;
}
