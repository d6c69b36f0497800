/**
 * How the `Socket` methods defined outside socket.ts (socket-options.ts,
 * sending.ts) reach the socket's private state: socket.ts provides these
 * accessors once, and copies those methods onto `Socket.prototype`.
 */
import type { UDP } from '../udp';
/** A socket's state, as the methods outside socket.ts see it. */
export interface SocketHandles {
    /** The handle; `ERR_SOCKET_DGRAM_NOT_RUNNING` once the socket is closed. */
    running(socket: object): UDP;
    /** The handle, also after close: its send queue's counters stay readable. */
    handle(socket: object): UDP;
    /** The handle, or null once the socket is closed. */
    open(socket: object): UDP | null;
    /** Whether the socket is connected. */
    connected(socket: object): boolean;
    /** The socket's family, 4 or 6. */
    family(socket: object): 4 | 6;
    /** Binds an unbound socket now (trySend, sendMany); throws with `address` and `port` if it cannot. */
    bindNow(socket: object, address: unknown, port: unknown): void;
    /** `send()`s (and connects, a close) that have not gone out yet: trySend and sendMany do not overtake them. */
    sendsWaiting(socket: object): number;
    /** What ref()/unref() ask: kept, and applied unless sends wait in the handle's queue. */
    setReferenced(socket: object, referenced: boolean): void;
}
/** The accessors; socket.ts sets them when it loads. */
export declare let handles: SocketHandles;
/** Called once by socket.ts. */
export declare function reachHandles(socketHandles: SocketHandles): void;
/** Copies the methods of `methods` (a class) onto `target` (a class) as its own, non-enumerable as class methods are. */
export declare function copyMethods(target: {
    prototype: object;
}, methods: {
    prototype: object;
}): void;
/**
 * Makes the methods of `target.prototype` enumerable, as Node's are (it
 * assigns them to its prototype; a class defines them non-enumerable), so
 * that `for...in` and `Object.keys(Socket.prototype)` list them as there.
 */
export declare function enumerableMethods(target: {
    prototype: object;
}): void;
