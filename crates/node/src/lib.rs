//! uv-udp-node: the napi-rs glue between `src/*.ts` and uv-udp-core, and the
//! two drivers of a handle's socket (see [`driver`]).
//!
//! Thin on purpose: JS values in, core calls, results out. Argument *types*
//! were checked by `src/*.ts`; what is about sockets (is this an IP? which
//! family?) is checked by the core. The contract between the layers (event
//! kinds, batch layout, flags, the address object, error kinds) is in
//! [`contract`]; how errors are thrown with their kind, in `thrown`.
#![deny(missing_docs)]

mod constants;
pub mod contract;
mod driver;
mod env_cleanup;
mod handle;
mod handle_ids;
mod held_buffer;
mod js_buffer;
mod js_call;
mod native_udp;
mod peer_cache;
mod raw_exports;
mod recv_headers;
mod recv_pool;
mod send_fns;
mod send_many_fn;
mod sys_heap;
mod test_hooks;
mod thrown;
mod uv_sys;

pub use constants::{uv_errors, AF_INET, AF_INET6, AF_UNSPEC};
pub use driver::select::select_backend;
pub use native_udp::NativeUdp;
pub use raw_exports::install_raw_exports;
pub use send_fns::{handle_send, handle_send_again, handle_try_send, handle_try_send_again};
pub use send_many_fn::handle_try_send_many;
pub use test_hooks::{
    test_busy_polling, test_detach, test_fail_reads, test_gro_coalesced, test_panic, test_trim_heap,
};
