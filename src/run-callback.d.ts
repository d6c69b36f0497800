/** Running a user's callback: what it throws goes to its loop (`excepthook`, else uncaught). */
import type { Loop } from './loop';
/**
 * Calls `fn`; an exception goes to `loop`'s report (the handle's loop, which
 * a handle keeps after it has left it: every callback reports there).
 */
export declare function runCallback(loop: Loop, fn: () => void): void;
/**
 * `fn(a, b)` as `runCallback` calls it, without a closure: for callbacks
 * run once per datagram or per send.
 */
export declare function runCallbackWith<A, B>(loop: Loop, fn: (a: A, b: B) => void, a: A, b: B): void;
