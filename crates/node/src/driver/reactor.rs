//! The `'reactor'` driver's link to JS: one threadsafe function per handle
//! that carries the reactor's events to the JS thread, one call per batch.
//!
//! The function is created weak and referenced only while the handle is
//! active and `ref` is true, so it keeps Node alive exactly as a libuv handle.

use std::cell::Cell;

use napi::bindgen_prelude::{Either, FnArgs, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{sys, Status};
use uv_udp_core::address::{format_address, AddressTuple};
use uv_udp_core::{Event, EventSink};

use crate::contract::{payload_buffer_len, RECEIVED, RECV_ERROR, SENDS_DONE};
use crate::js_buffer::JsOwnedBytes;

/// A received batch's peer as JS sees it: `[ip, port]` or
/// `[ip, port, flowinfo, scope_id]`, positional on purpose (see
/// [`crate::contract::SocketAddress`]).
pub type JsAddress = Either<(String, u32), (String, u32, u32, u32)>;

/// Converts a core address tuple for JS.
pub fn js_address(addr: &std::net::SocketAddr) -> JsAddress {
    match format_address(addr) {
        AddressTuple::V4 { ip, port } => Either::A((ip, u32::from(port))),
        AddressTuple::V6 {
            ip,
            port,
            flowinfo,
            scope_id,
        } => Either::B((ip, u32::from(port), flowinfo, scope_id)),
    }
}

type EventArgs = FnArgs<(
    u32,
    Option<JsOwnedBytes>,
    i64,
    Option<Vec<JsAddress>>,
    Option<Vec<String>>,
    u32,
    u32,
    Option<JsOwnedBytes>,
)>;

/// The handle's threadsafe function.
pub type EventFn = ThreadsafeFunction<Event, (), EventArgs, Status, false, true, 0>;

/// Builds the (weak) threadsafe function over the JS `onEvent` callback.
pub(crate) fn event_fn(on_event: &Function<'_, (), ()>) -> napi::Result<EventFn> {
    on_event
        .build_threadsafe_function::<Event>()
        .callee_handled::<false>()
        .weak::<true>()
        .build_callback(
            |ctx: napi::threadsafe_function::ThreadsafeCallContext<Event>| Ok(to_js(ctx.value)),
        )
}

fn to_js(event: Event) -> EventArgs {
    match event {
        Event::Received(mut batch) => {
            let peers = batch.peers.iter().map(js_address).collect();
            let count = batch.count as i64;
            // The batch keeps its place in the bounded queue until JS has
            // delivered (or dropped) every datagram of it and calls
            // `recvRelease`: a JS thread that falls behind then makes the
            // reactor drop before anything is copied into JS memory.
            if let Some(slot) = batch.take_slot() {
                let _ = slot.into_counts();
            }
            let mut bytes = std::mem::take(&mut batch.bytes);
            let headers = std::mem::take(&mut batch.headers);
            let size = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            bytes.resize(payload_buffer_len(bytes.len()), 0);
            let locals = (!batch.locals.is_empty())
                .then(|| batch.locals.iter().map(|ip| ip.to_string()).collect());
            (
                RECEIVED,
                Some(JsOwnedBytes(bytes)),
                count,
                Some(peers),
                locals,
                0,
                size,
                Some(JsOwnedBytes(headers)),
            )
                .into()
        }
        Event::RecvError(err) => (
            RECV_ERROR,
            None,
            i64::from(err.code),
            None,
            None,
            0,
            0,
            None,
        )
            .into(),
        Event::SendsDone(count) => (SENDS_DONE, None, count as i64, None, None, 0, 0, None).into(),
    }
}

/// Forwards core events to JS; never blocks the reactor.
pub(crate) struct TsfnSink(pub(crate) EventFn);

impl EventSink for TsfnSink {
    fn emit(&self, event: Event) {
        // Unbounded queue: only `Closing` can come back, when the env is being
        // torn down and nobody is left to tell.
        let _ = self.0.call(event, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// A reactor-driven handle's side of the JS thread.
pub(crate) struct ReactorLink {
    sink: std::sync::Arc<TsfnSink>,
    kept: Cell<bool>,
}

impl ReactorLink {
    pub(crate) fn new(sink: std::sync::Arc<TsfnSink>) -> ReactorLink {
        ReactorLink {
            sink,
            kept: Cell::new(false),
        }
    }

    /// Makes the handle keep Node's loop alive, or stop doing so. Called on
    /// the JS thread that made the function.
    pub(crate) fn keep_alive(&self, env: sys::napi_env, on: bool) {
        if self.kept.replace(on) == on {
            return;
        }
        let raw = self.sink.0.raw();
        // SAFETY: `env` is the env of the JS thread that created `raw`, and
        // `raw` is alive: this link holds the function.
        unsafe {
            if on {
                sys::napi_ref_threadsafe_function(env, raw);
            } else {
                sys::napi_unref_threadsafe_function(env, raw);
            }
        }
    }
}
