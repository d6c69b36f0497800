/** Marks `memory` untransferable (once per ArrayBuffer is enough; again is harmless). */
export declare function untransferable(memory: ArrayBuffer): void;
