/** A first-in first-out queue with O(1) shift, for send callbacks. */
export declare class Fifo<T> {
    #private;
    get length(): number;
    push(item: T): void;
    peek(): T | undefined;
    /** The item `i` places from the front. */
    at(i: number): T | undefined;
    shift(): T | undefined;
}
