/** An error with one of Node's `ERR_*` codes; `toString()` reads `Name [CODE]: message`, as Node's. */
export interface NodeError extends Error {
    readonly code: string;
}
/** Node's description of a value of the wrong type ("type number (5)", "an instance of Object", ...). */
export declare function determineSpecificType(value: unknown): string;
/** `ERR_INVALID_ARG_TYPE` (TypeError): `name` must be one of `expected`, with Node's wording. */
export declare function invalidArgType(name: string, expected: string | readonly string[], actual: unknown): NodeError;
/** `ERR_OUT_OF_RANGE` (RangeError). */
export declare function outOfRange(name: string, range: string, input: number): NodeError;
/** `ERR_SOCKET_BAD_PORT` (RangeError). */
export declare function badPort(name: string, port: unknown, allowZero: boolean): NodeError;
/** `ERR_BUFFER_OUT_OF_BOUNDS` (RangeError). */
export declare function bufferOutOfBounds(name: string): NodeError;
/** `ERR_MISSING_ARGS` (TypeError), for one argument. */
export declare function missingArgs(name: string): NodeError;
/** `ERR_INVALID_FD_TYPE` (TypeError). */
export declare function invalidFdType(type: string): NodeError;
export declare const socketBadType: () => NodeError;
export declare const socketAlreadyBound: () => NodeError;
export declare const socketBadBufferSize: () => NodeError;
export declare const socketIsConnected: () => NodeError;
export declare const socketNotConnected: () => NodeError;
export declare const socketNotRunning: () => NodeError;
/** A failed system call, as Node reports it: `errno` (negative), `code`, `syscall`, maybe `address` and `port`. */
export interface SystemCallError extends Error {
    errno: number;
    code: string;
    syscall: string;
    address?: string;
    port?: number;
}
/** Node's `ErrnoException`: message `'<syscall> <CODE>'`. */
export declare function errnoException(err: number, syscall: string): SystemCallError;
/** Node's `ExceptionWithHostPort`: message `'<syscall> <CODE> <address>:<port>'` (port only when > 0). */
export declare function exceptionWithHostPort(err: number, syscall: string, address: string | null | undefined, port: unknown): SystemCallError;
/** What `ERR_SOCKET_BUFFER_SIZE` carries as `info`. */
export interface BufferSizeContext {
    errno: number;
    code: string;
    message: string;
    syscall: string;
}
/** `ERR_SOCKET_BUFFER_SIZE`: a `SystemError` whose `info` is the failed libuv call. */
export declare function socketBufferSize(err: number, syscall: string): NodeError & {
    info: BufferSizeContext;
    errno: number;
    syscall: string;
};
/** The code of an error the `UDP` handle threw; a bad IP literal or value is `EINVAL`, as libuv reports it to Node. */
export declare function codeOf(error: unknown): number;
