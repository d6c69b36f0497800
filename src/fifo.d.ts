/**
 * A first-in first-out queue with amortized O(1) shift, for send callbacks:
 * two stacks, the items pushed since the last refill and, reversed, the
 * ones to shift. Each item is moved once; memory follows the live length.
 */
export declare class Fifo<T> {
    #private;
    get length(): number;
    push(item: T): void;
    peek(): T | undefined;
    /** The item `i` places from the front. */
    at(i: number): T | undefined;
    shift(): T | undefined;
}
