/** An error of libuv: `errno` is the negative code, `code` its name. */
export declare class UVError extends Error {
    /** The negative libuv code, as in Node's errors. */
    readonly errno: number;
    /** The code's name without `UV_`, e.g. `'EADDRINUSE'`. */
    readonly code: string;
    /** pyuv's `args`: `[errno, message]`. */
    readonly args: [number, string];
    constructor(code: number, message?: string);
}
/** An error of a handle. */
export declare class HandleError extends UVError {
}
/** An error of a UDP handle's operation. */
export declare class UDPError extends HandleError {
}
/** The handle was closed: its operations throw this afterwards (the README lists the members that still answer). */
export declare class HandleClosedError extends HandleError {
    constructor();
}
/**
 * Rethrows an error of the native binding as the API's class, by the kind
 * and code it carries (`crates/node/src/thrown.rs`), never by its text:
 * `ErrorKind.Uv` becomes `UDPError(errno)`, `ErrorKind.InvalidArgument` a
 * `TypeError` with the error's message (prefixed with the `argument` it is
 * about, when given), `ErrorKind.Closed` a `HandleClosedError`; anything else (a panic caught in Rust) stays as it is.
 */
export declare function fromNative(error: unknown, argument?: string): unknown;
