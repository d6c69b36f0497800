/**
 * `'TTY'`, `'FILE'`, `'PIPE'`, `'UNKNOWN'`, or `'SOCKET'` for any socket:
 * JS cannot ask a socket's type and family, so `bind({ fd })` lets
 * `UDP.open()` tell a datagram socket from the others.
 */
export declare function descriptorKind(fd: number): string;
