/**
 * The binding's exports that run once per datagram or per send, read once
 * here. The binding's exports object is in dictionary mode (its properties
 * are added one by one), so each read of it from hot code is a full property
 * lookup (a LoadIC call of about 80 instructions); a property of this
 * module's exports is a plain load.
 */
import * as binding from '../binding';
export declare const COMPLETED_WORDS: number, HEADER_WORDS: number, NO_PEER: number, RECEIVED: number, RECV_ERROR: number, SENDS_DONE: number, SEND_MANY_LARGE: number, SEND_MANY_PACKED_MAX: number, SEND_QUEUED: number;
export declare const handleSend: typeof binding.handleSend, handleSendAgain: typeof binding.handleSendAgain, handleTrySend: typeof binding.handleTrySend, handleTrySendAgain: typeof binding.handleTrySendAgain, handleTrySendMany: typeof binding.handleTrySendMany;
