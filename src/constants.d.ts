/** The platform's `AF_UNSPEC`. */
export declare const AF_UNSPEC: number;
/** The platform's `AF_INET`. */
export declare const AF_INET: number;
/** The platform's `AF_INET6`. */
export declare const AF_INET6: number;
/** bind flag: IPv6 only, no dual-stack. */
export declare const UV_UDP_IPV6ONLY: number;
/** receive flag: the datagram was truncated. */
export declare const UV_UDP_PARTIAL: number;
/** bind flag: SO_REUSEADDR. */
export declare const UV_UDP_REUSEADDR: number;
/** bind flag: SO_REUSEPORT. */
export declare const UV_UDP_REUSEPORT: number;
/** `set_membership`: join. */
export declare const UV_JOIN_GROUP: number;
/** `set_membership`: leave. */
export declare const UV_LEAVE_GROUP: number;
