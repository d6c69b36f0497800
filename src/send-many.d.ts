/**
 * `try_send_many`: its messages checked, their small datagrams copied back
 * to back into one reused area, and the lot handed to the binding in one
 * call. Handing it an array of views cost about 600 instructions per
 * datagram (the binding reads each element and each view through V8's
 * API); copying a small datagram here costs a fraction of that.
 *
 * A small datagram's bytes are the ones its view holds when its message is
 * checked (a getter of a later message that changes them changes nothing
 * sent); a longer one's are read by the send, after every check.
 */
import { type Address } from './address';
import { type Data } from './data';
/**
 * Sends `[address, data]` messages on handle `id` in order until one would
 * block; how many it sent. Every message is checked before any is sent.
 */
export declare function trySendMany(id: number, messages: ReadonlyArray<readonly [address: Address | null, data: Data]>): number;
