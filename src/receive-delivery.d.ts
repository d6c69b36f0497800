/**
 * The receive side of a handle: the binding's events dispatched, each read's
 * datagrams delivered to the receive callback within the turn's time budget,
 * what is over it (or stopped mid-read) held in order and bounded, and the
 * reactor's receive queue given back its room.
 */
import type { NativeUdp } from '../binding';
import type { Address4, Address6 } from './address';
import { type PacketInfo } from './delivery';
import type { Loop } from './loop';
import type { FlushingHandle } from './send-completions';
/** The receive callback, for a handle of type `H`. */
export type DeliveryCallback<H> = (handle: H, address: Address4 | Address6 | null, flags: number, data: Buffer | null, error: number | null, pktinfo?: PacketInfo) => void;
/**
 * What uv-udp/dgram receives each datagram with, in place of the pyuv
 * callback (whose handle, flags and error arguments it has no use for):
 * the payload, its sender, and with pktinfo its destination. One call per
 * datagram and no more: the facade's share of the receive rate depends on
 * it (docs/design-notes.md, "The facade's receive path").
 */
export type MessageSink = (data: Buffer, address: Address4 | Address6 | null, pktinfo: PacketInfo | undefined) => void;
export declare class ReceiveDelivery<H extends FlushingHandle> {
    #private;
    constructor(handle: H, native: NativeUdp, loop: Loop);
    /** True between `start` and `stop` (or `close`). */
    get receiving(): boolean;
    /** Datagrams dropped here: held over the bounds, or after a callback detached their read. */
    get dropped(): number;
    /**
     * Delivers to `callback` from now on (datagrams to `sink` instead when one
     * is given); what is held, from the next turn.
     */
    start(callback: DeliveryCallback<H>, pktinfo: boolean, sink?: MessageSink | null): void;
    /** No receive callback runs after this. */
    stop(): void;
    /** The handle closes: nothing is delivered any more, nothing held. */
    close(): void;
    /** The binding's event: a read (payloads, then header words apart), a read's error, or sends completed. */
    onEvent(kind: number, memory: ArrayBuffer | null, count: number, peers: (Address4 | Address6)[] | null, locals: string[] | null, offset: number, size: number, headers: ArrayBuffer | null | undefined): void;
}
