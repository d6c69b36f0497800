//! The platform's values that `index.ts` re-exports: address families and
//! libuv's error table.

use napi_derive::napi;
use uv_udp_core::flags;

/// This platform's `AF_UNSPEC`.
#[napi]
pub const AF_UNSPEC: i32 = flags::AF_UNSPEC;
/// This platform's `AF_INET`.
#[napi]
pub const AF_INET: i32 = flags::AF_INET;
/// This platform's `AF_INET6`.
#[napi]
pub const AF_INET6: i32 = flags::AF_INET6;

/// Every libuv error of this platform: `[name, code, message]`, e.g.
/// `['EADDRINUSE', -98, 'address already in use']`.
#[napi(ts_return_type = "Array<[name: string, code: number, message: string]>")]
pub fn uv_errors() -> Vec<(String, i32, String)> {
    uv_udp_core::error::all()
        .iter()
        .map(|(name, code, message)| ((*name).to_owned(), *code, (*message).to_owned()))
        .collect()
}
