/** `UV_*` codes, plus `errorcode` (code → `'UV_…'` name) and `strerror(code)`. */
export interface Errno {
    readonly [name: `UV_${string}`]: number;
    /** Code → name, e.g. `-98` → `'UV_EADDRINUSE'`. */
    readonly errorcode: Readonly<Record<number, string>>;
    /** libuv's message for a code, e.g. `'address already in use'`. */
    strerror(code: number): string;
}
/** libuv's error codes and their messages. */
export declare const errno: Errno;
