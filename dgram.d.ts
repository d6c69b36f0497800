/**
 * uv-udp/dgram: `node:dgram` on uv-udp's core. A drop-in: replace
 * `require('node:dgram')` with `require('uv-udp/dgram')` (or the import);
 * the same `createSocket`, `Socket`, events, errors, plus `trySend`,
 * `sendMany` and `{ pktinfo: true }`.
 */
import { createSocket } from './src/dgram/create-socket';
import { Socket } from './src/dgram/socket';
export { createSocket, Socket };
export type { BindOptions, MessageListener, SendCallback, SendManyMessage } from './src/dgram/socket';
export type { SocketOptions, SocketType } from './src/dgram/options';
export type { AddressInfo, RemoteInfo } from './src/dgram/address-info';
export type { LookupFunction } from './src/dgram/lookup';
export type { SendData, SendPayload } from './src/dgram/payload';
declare const _default: {
    createSocket: typeof createSocket;
    Socket: typeof Socket;
};
export default _default;
