/**
 * The binding's exports that run once per datagram or per send, read once
 * here. The binding's exports object is in dictionary mode (its properties
 * are added one by one), so each read of it from hot code is a full property
 * lookup (a LoadIC call of about 80 instructions); a property of this
 * module's exports is a plain load.
 */
import * as binding from '../binding'

export const { COMPLETED_WORDS, HEADER_WORDS, NO_PEER, RECEIVED, RECV_ERROR, SENDS_DONE, SEND_MANY_LARGE, SEND_MANY_PACKED_MAX, SEND_QUEUED } = binding
export const { handleSend, handleSendAgain, handleTrySend, handleTrySendAgain, handleTrySendMany } = binding
