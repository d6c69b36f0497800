/** The `lookup` option: `dns.lookup`'s shape, called with the socket's family (4 or 6). */
export type LookupFunction = (hostname: string, family: number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void) => void;
/** A lookup's outcome: an error, or the address to use. */
export type LookupCallback = (err: Error | null, address: string) => void;
/** A socket's resolver: its `lookup` bound to its family and default host. */
export declare class Resolver {
    #private;
    /** `lookup` is the socket's option; `undefined` means `dns.lookup`. */
    constructor(family: 4 | 6, lookup: LookupFunction | undefined);
    /**
     * Whether `address` needs no asynchronous resolution: with `dns.lookup`,
     * an IP literal (or nothing, the loopback) resolves to itself on the next
     * tick, so the caller may batch such sends on one tick instead.
     */
    literal(address: string | null | undefined): string | null;
    /**
     * Resolves `address` as Node's `lookup4` / `lookup6` do; `callback` runs
     * later. Any falsy error (a `lookup` option that answers
     * `cb(undefined, ip)`) is success, as Node tests `if (err)`.
     */
    resolve(address: string | null | undefined, callback: LookupCallback): void;
}
