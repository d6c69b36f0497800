//! uv-udp-node: the napi-rs glue between `index.ts` and uv-udp-core.
//!
//! Thin on purpose: JS values in, core calls, results out. Argument *types*
//! were checked by `index.ts`; what is about sockets (is this an IP? which
//! family?) is checked by the core. Errors cross as plain `Error`s whose
//! message `index.ts` decodes (see [`thrown`]).
#![deny(missing_docs)]

mod constants;
mod env_cleanup;
mod events;
mod js_buffer;
mod native_udp;
mod test_hooks;
mod thrown;

pub use constants::{uv_errors, AF_INET, AF_INET6, AF_UNSPEC};
pub use native_udp::{NativeUdp, SEND_QUEUED};
pub use test_hooks::test_panic;
