//! The peers array of a handle's last read, kept for the next read from the
//! same single peer (request/reply, a stream from one sender): that read
//! hands JS the same array of the same frozen tuple instead of formatting
//! the address and building two arrays again (about 9k instructions per
//! round trip under callgrind, 14% of one).
//!
//! JS only reads a batch's peers array, and the tuples in it are frozen
//! before any user code sees them, so sharing them between reads is
//! invisible except as identity (`peer === previousPeer`), which pyuv does
//! not promise either way.

use std::cell::Cell;
use std::net::SocketAddr;
use std::ptr;

use napi::sys;

/// One handle's cached peers array: the one peer it holds and a strong
/// reference to it.
pub(crate) struct PeerCache {
    last: Cell<Option<(SocketAddr, sys::napi_ref)>>,
}

impl PeerCache {
    pub(crate) fn new() -> PeerCache {
        PeerCache {
            last: Cell::new(None),
        }
    }

    /// The cached array, if `peers` is exactly its one peer.
    pub(crate) fn get(&self, env: sys::napi_env, peers: &[SocketAddr]) -> Option<sys::napi_value> {
        let (addr, reference) = self.last.get()?;
        if peers != [addr] {
            return None;
        }
        let mut value = ptr::null_mut();
        // SAFETY: on the env's thread inside a handle scope; `reference` is a
        // live strong reference of this env (deleted only by `keep`/`release`).
        let status = unsafe { sys::napi_get_reference_value(env, reference, &mut value) };
        (status == sys::Status::napi_ok && !value.is_null()).then_some(value)
    }

    /// Keeps `array`, the peers array just built for `peers`, when it holds
    /// one peer; forgets the previous one.
    pub(crate) fn keep(&self, env: sys::napi_env, peers: &[SocketAddr], array: sys::napi_value) {
        let &[addr] = peers else {
            return;
        };
        let mut reference = ptr::null_mut();
        // SAFETY: `array` is a live value of this call's scope on the env's thread.
        let status = unsafe { sys::napi_create_reference(env, array, 1, &mut reference) };
        if status != sys::Status::napi_ok {
            return;
        }
        self.release(env);
        self.last.set(Some((addr, reference)));
    }

    /// Drops the cached array (the handle is going).
    pub(crate) fn release(&self, env: sys::napi_env) {
        if let Some((_, reference)) = self.last.take() {
            // SAFETY: a reference this cache created on `env`, deleted once
            // (taken out of the cell first).
            unsafe { sys::napi_delete_reference(env, reference) };
        }
    }
}
