//! Hooks that let the test suite reach paths no well-formed input reaches.
//!
//! Inert unless the process runs with `UV_UDP_TEST_HOOKS=1`, so a shipped
//! binary cannot be made to misbehave through them.

use std::sync::atomic::{AtomicU32, Ordering};

use napi_derive::napi;

fn enabled() -> bool {
    std::env::var_os("UV_UDP_TEST_HOOKS").is_some_and(|v| v == "1")
}

/// Panics inside the addon (with `UV_UDP_TEST_HOOKS=1`), to prove that a
/// panic becomes a thrown JS `Error` and never aborts the process.
#[napi(catch_unwind, js_name = "__testPanic")]
pub fn test_panic(message: String) -> napi::Result<()> {
    if !enabled() {
        return Err(napi::Error::from_reason(
            "test hooks are off (set UV_UDP_TEST_HOOKS=1)",
        ));
    }
    panic!("{message}");
}

/// Returns the C heap's free memory to the OS (glibc's `malloc_trim(0)`,
/// with `UV_UDP_TEST_HOOKS=1`), so that a memory test measures what the
/// process holds rather than what the allocator kept after a burst of
/// large, short-lived allocations. Live memory is never released by it.
/// `true` when it ran; `false` where the C library has no such call.
#[napi(js_name = "__testTrimHeap")]
pub fn test_trim_heap() -> napi::Result<bool> {
    if !enabled() {
        return Err(napi::Error::from_reason(
            "test hooks are off (set UV_UDP_TEST_HOOKS=1)",
        ));
    }
    Ok(crate::sys_heap::trim())
}

/// GRO-coalesced messages this process has read and split, and the
/// datagrams they held (with `UV_UDP_TEST_HOOKS=1`): a test of GRO proves
/// with it that the kernel did coalesce, and a test of the kernel's UDP
/// counters (which count a coalesced message once) corrects them with it.
#[napi(object)]
pub struct GroCounts {
    /// Coalesced messages read.
    pub messages: f64,
    /// The datagrams they held.
    pub datagrams: f64,
}

/// See [`GroCounts`].
#[napi(js_name = "__testGroCoalesced")]
pub fn test_gro_coalesced() -> napi::Result<GroCounts> {
    if !enabled() {
        return Err(napi::Error::from_reason(
            "test hooks are off (set UV_UDP_TEST_HOOKS=1)",
        ));
    }
    Ok(GroCounts {
        messages: uv_udp_core::recv_batch::coalesced_messages() as f64,
        datagrams: uv_udp_core::recv_batch::coalesced_datagrams() as f64,
    })
}

/// Whether this thread's loop is being kept polling after a send
/// (`UV_UDP_BUSY_POLL_US`, with `UV_UDP_TEST_HOOKS=1`).
#[napi(js_name = "__testBusyPolling")]
pub fn test_busy_polling() -> napi::Result<bool> {
    if !enabled() {
        return Err(napi::Error::from_reason(
            "test hooks are off (set UV_UDP_TEST_HOOKS=1)",
        ));
    }
    Ok(crate::driver::spin::polling())
}

/// Detaches `buffer` (`napi_detach_arraybuffer`, with `UV_UDP_TEST_HOOKS=1`):
/// received memory is marked untransferable, as Node marks its own Buffer
/// pool, so no transfer detaches it; native code (or Node 22's
/// `ArrayBuffer.prototype.transfer`) still can, and the suite reaches the
/// paths that take a detached read this way on every Node.
#[napi(js_name = "__testDetach")]
pub fn test_detach(env: &napi::Env, buffer: napi::Unknown<'_>) -> napi::Result<()> {
    if !enabled() {
        return Err(napi::Error::from_reason(
            "test hooks are off (set UV_UDP_TEST_HOOKS=1)",
        ));
    }
    // SAFETY: a live env on its thread and a value of this call; napi
    // checks that it is a detachable ArrayBuffer and fails otherwise.
    let status =
        unsafe { napi::sys::napi_detach_arraybuffer(env.raw(), napi::JsValue::raw(&buffer)) };
    if status != napi::sys::Status::napi_ok {
        return Err(napi::Error::from_reason("not a detachable ArrayBuffer"));
    }
    Ok(())
}

// Reads whose event is still to fail (`__testFailReads`): a plain static,
// since every read checks it (a thread-local costs a TLS lookup in a
// dynamically loaded addon); the tests that set it run serially.
static FAILING_READS: AtomicU32 = AtomicU32::new(0);

/// Makes the next `count` reads of the `'uv'` driver (on any thread) fail
/// once their memory is taken, as a napi failure would there (with
/// `UV_UDP_TEST_HOOKS=1`): the suite proves with it that such a read is
/// counted in `recv_dropped` and that the receive pool stays as JS expects.
#[napi(js_name = "__testFailReads")]
pub fn test_fail_reads(count: u32) -> napi::Result<()> {
    if !enabled() {
        return Err(napi::Error::from_reason(
            "test hooks are off (set UV_UDP_TEST_HOOKS=1)",
        ));
    }
    FAILING_READS.store(count, Ordering::Relaxed);
    Ok(())
}

/// Whether the read being made into an event is to fail (see
/// [`test_fail_reads`]); counts it.
pub(crate) fn read_fails() -> bool {
    FAILING_READS.load(Ordering::Relaxed) > 0
        && FAILING_READS
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
}
