/**
 * The sends a socket's handle queued, in call order: what each callback
 * needs (the callback if there is one, the address and port an error names,
 * the size success reports), in parallel ring buffers.
 *
 * Not one record per send in a long-lived queue: storing a young object
 * into a long-lived array costs V8's out-of-line write barrier on every
 * send (about a tenth of the facade's instructions per send over the pyuv
 * API's, docs/design-notes.md). The callback and the address are usually
 * long-lived (a function and a string literal), the port and the size are
 * small integers: no barrier for those.
 */
import type { SendCallback } from './send-arguments';
export declare class AwaitingSends {
    #private;
    get length(): number;
    /** How many sends the buffers hold before they grow. */
    get capacity(): number;
    /** One more send, the newest (`callback` undefined for a send without one). */
    push(callback: SendCallback | undefined, address: string | undefined, port: number, size: number): void;
    /** The oldest send's callback (the queue is not empty). */
    callback(): SendCallback | undefined;
    /** The oldest send's address, as given to `send`. */
    address(): string | undefined;
    /** The oldest send's port. */
    port(): number;
    /** The oldest send's size in bytes. */
    size(): number;
    /** Forgets the oldest send (its callback and address are released). */
    drop(): void;
}
