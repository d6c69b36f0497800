/** A port as Node takes it: a number or numeric string in 0..65535 (1.. unless `allowZero`); returns it as an int. */
export declare function validatePort(port: unknown, name?: string, allowZero?: boolean): number;
export declare function validateString(value: unknown, name: string): asserts value is string;
export declare function validateNumber(value: unknown, name: string): asserts value is number;
export declare function validateFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown;
export declare function validateUint32(value: unknown, name: string): asserts value is number;
export declare function validateAbortSignal(value: unknown, name: string): asserts value is AbortSignal | undefined;
/**
 * Node's `isInt32`: `value === (value | 0)`. The cast is parenthesised:
 * written `value as number | 0` it is a type (`number | 0`), and the
 * emitted test was `value === value`, true for any fd but NaN.
 */
export declare function isInt32(value: unknown): value is number;
