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
 *
 * A call whose messages all go to the handle's last destination (that of
 * its last `send`, `try_send` or one-destination `try_send_many`, see
 * `SendPath`) hands the binding no destination at all: converting and
 * parsing one cost about 3k instructions a call, more than sending eight
 * small datagrams.
 */
import { type Address } from './address';
import { type Data } from './data';
import type { SendPath } from './send_path';
/**
 * Sends `[address, data]` messages on `path`'s handle in order until one
 * would block; how many it sent. Every message is checked before any is sent.
 */
export declare function trySendMany(path: SendPath, messages: ReadonlyArray<readonly [address: Address | null, data: Data]>): number;
