/**
 * A first-in first-out queue with amortized O(1) shift, for send callbacks:
 * two stacks, the items pushed since the last refill and, reversed, the
 * ones to shift. Each item is moved once; memory follows the live length.
 */
export class Fifo<T> {
  // Pushed since the last refill, oldest first.
  #back: T[] = []
  // To shift, newest first: shift pops its end.
  #front: T[] = []

  get length(): number {
    return this.#front.length + this.#back.length
  }

  push(item: T): void {
    this.#back.push(item)
  }

  peek(): T | undefined {
    return this.at(0)
  }

  /** The item `i` places from the front. */
  at(i: number): T | undefined {
    const front = this.#front
    return i < front.length ? front[front.length - 1 - i] : this.#back[i - front.length]
  }

  shift(): T | undefined {
    const front = this.#front
    if (front.length === 0) {
      // The emptied front is the next back: no array allocated per refill.
      this.#front = this.#back.reverse()
      this.#back = front
    }
    return this.#front.pop()
  }
}
