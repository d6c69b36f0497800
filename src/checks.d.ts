/** `TypeError` unless `value` is a function. */
export declare function checkCallback(value: unknown, what: string): void;
/** `TypeError` unless `value` is a boolean. */
export declare function checkBoolean(value: unknown, what: string): boolean;
/** An interface address: a string, or `undefined` / `null` for the OS default. */
export declare function checkInterface(value: unknown, what: string): string | undefined;
/** `TypeError` unless `value` is a string. */
export declare function checkString(value: unknown, what: string): string;
/** A membership value: `TypeError` unless a number (its value is checked by the caller). */
export declare function checkNumber(value: unknown, what: string): number;
/**
 * A TTL: `TypeError` unless an integer. Its range is libuv's to check (an
 * integer outside it is `UDPError` `UV_EINVAL`, as in pyuv): what is passed on
 * keeps in range or out of it, clamped to what the binding's int takes.
 */
export declare function checkTtl(value: unknown, what: string): number;
