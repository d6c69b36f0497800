import type { UDP } from './udp';
/**
 * A group of handles. Every loop runs on Node's event loop: callbacks come on
 * the JS thread that made the handle, never synchronously.
 */
export declare class Loop {
    #private;
    /** The loop of this JS thread (the main thread, or each worker). */
    static default_loop(): Loop;
    /**
     * Where a callback's exception goes. `null` (the default): it surfaces as
     * an uncaught exception, as in any Node callback. A function or `null`;
     * anything else throws `TypeError`.
     */
    get excepthook(): ((error: unknown) => void) | null;
    set excepthook(hook: ((error: unknown) => void) | null);
    /** Handles not yet fully closed (a copy). */
    get handles(): UDP[];
    /**
     * Resolves once none of the loop's handles is active and referenced. As
     * libuv's send requests keep `uv_run` going whatever their handle's ref,
     * a handle whose sends' callbacks have not all run counts as referenced.
     */
    run(): Promise<void>;
}
