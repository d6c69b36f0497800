//! How errors cross to JS: a plain `Error` whose message `index.ts` decodes.
//!
//! napi-rs v3 throws from a `#[napi]` result only with a `Status` code, so the
//! kind travels in the message: `uv:<negative libuv code>` becomes a
//! `UDPError`, `type:<text>` a `TypeError`. Anything else (a caught panic)
//! stays an `Error`.

use napi::{Error, Status};
use uv_udp_core::address::AddressError;
use uv_udp_core::UvError;

/// A libuv error, for `index.ts` to rethrow as `UDPError`.
pub fn uv(err: UvError) -> Error {
    Error::new(Status::GenericFailure, format!("uv:{}", err.code))
}

/// An unusable address: a bad literal is a `TypeError` (the API contract), an unknown
/// interface in a zone is `UV_ENODEV`.
pub fn address(err: AddressError) -> Error {
    match err {
        AddressError::InvalidIp(_) => Error::new(Status::InvalidArg, format!("type:{err}")),
        AddressError::UnknownInterface(_) => uv(uv_udp_core::error::ENODEV),
    }
}
