/** The most datagrams delivered between two readings of the clock. */
export declare const CHECK_EVERY = 32;
export declare class DeliveryBudget {
    #private;
    /**
     * A read of `count` datagrams is about to be delivered. `'uv'`: the read
     * is a slice of its own, timed from now if it is longer than one interval
     * (a shorter one never reads the clock). Reactor: the turn's slice starts
     * with its first read.
     */
    beginRead(count: number): void;
    /** Held datagrams are about to be delivered (`'uv'`: a slice of their own). */
    beginHeld(): void;
    /**
     * Called before each datagram: true once the slice's time is spent.
     * Kept this small so that V8 inlines it into the receive loop at little
     * cost to that loop's inlining budget: the clock is read in #check,
     * once per interval.
     */
    spent(): boolean;
}
