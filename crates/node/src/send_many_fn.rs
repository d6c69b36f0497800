//! `try_send_many` as a plain function of a handle's number, its datagrams
//! packed by JS into one byte area (see [`handle_try_send_many`]).
//!
//! Handing the binding an array of views cost about 600 instructions per
//! datagram under callgrind (a `napi_get_element` and a
//! `napi_get_buffer_info` each, through V8's API scopes), more than the
//! rest of the send; JS copies a small datagram into the area for a
//! fraction of that.

use std::net::SocketAddr;
use std::ops::Deref;

use napi::bindgen_prelude::{BufferSlice, FromNapiValue, Uint32ArraySlice};
use napi::sys;
use napi::{Env, Result};
use napi_derive::napi;

use crate::contract::{SEND_MANY_LARGE, SEND_MANY_PACKED_MAX};
use crate::driver::spin;
use crate::native_udp::destination;
use crate::send_fns::{last_destination, open_handle};
use crate::thrown::{self, OrThrow};

/// A view's bytes, borrowed shared for the call. The same buffer may come
/// more than once among the long datagrams (under Bun every datagram is
/// one), and napi-rs's `BufferSlice` holds a `&mut [u8]`: two of them would
/// be two live mutable borrows of the same bytes.
pub struct SharedBytes<'a>(&'a [u8]);

impl FromNapiValue for SharedBytes<'_> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut data = std::ptr::null_mut();
        let mut len = 0usize;
        // SAFETY: the caller's env and value, on the env's thread.
        napi::check_status!(
            unsafe { sys::napi_get_buffer_info(env, value, &mut data, &mut len) },
            "Failed to get Buffer pointer and length"
        )?;
        Ok(SharedBytes(if len == 0 || data.is_null() {
            &[]
        } else {
            // SAFETY: napi gives the view's bytes, which JS cannot detach or
            // free during this synchronous call (no JS runs in it once every
            // argument is converted); only read, through shared borrows.
            unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }
        }))
    }
}

impl Deref for SharedBytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0
    }
}

/// A destination as JS passes it: host (`None`: the connected peer), port,
/// flowinfo, scope id (-1: none given).
pub(crate) type Destination = (Option<String>, u32, u32, i64);

/// Sends datagrams on handle `id` in order until one would block; returns
/// how many went (throws the first's error when none did, as the core's
/// `try_send_many`).
///
/// - `dests` holds each distinct destination once (a `null` host: the
///   connected peer; a scope id of -1: none given); one destination given
///   in full becomes the handle's last destination once parsed, as a
///   `send`'s does. `null`: every datagram goes to the handle's last
///   destination (JS passes it only when its messages' address is that one).
/// - `layout` holds two words per datagram, for `count` datagrams: the
///   index of its destination in `dests`, then its length in bytes, or
///   [`SEND_MANY_LARGE`] for a datagram longer than
///   [`SEND_MANY_PACKED_MAX`].
/// - `packed` holds the other datagrams' bytes back to back, in order.
/// - `large` holds the long datagrams' views, in order (they are not copied).
///
/// The binding exports it as a raw napi callback ([`crate::raw_exports`]).
#[napi(catch_unwind)]
pub fn handle_try_send_many(
    env: &Env,
    id: u32,
    #[napi(ts_arg_type = "Array<[string | null, number, number, number]> | null")] dests: Option<
        Vec<Destination>,
    >,
    layout: Uint32ArraySlice<'_>,
    count: u32,
    #[napi(ts_arg_type = "Uint8Array")] packed: BufferSlice<'_>,
    #[napi(ts_arg_type = "readonly Uint8Array[]")] large: Vec<SharedBytes<'_>>,
) -> Result<u32> {
    let handle = open_handle(env, id)?;
    // The handle's last destination needs no vector of its own.
    let last;
    let parsed;
    let dests: &[Option<SocketAddr>] = match dests {
        None => {
            last = [Some(last_destination(env, &handle)?)];
            &last
        }
        Some(dests) => {
            parsed = dests
                .into_iter()
                .map(|(host, port, flowinfo, scope)| {
                    destination(env, host, port, flowinfo, u32::try_from(scope).ok())
                })
                .collect::<Result<Vec<Option<SocketAddr>>>>()?;
            if let [Some(only)] = parsed[..] {
                handle.last_to.set(Some(only));
            }
            &parsed
        }
    };
    let mut messages =
        unpack(dests, &layout, count as usize, &packed, &large).ok_or_else(|| {
            thrown::invalid_argument(env, "try_send_many: layout does not match its data")
        })?;
    let n = handle
        .udp
        .borrow_mut()
        .try_send_many(&mut messages)
        .or_throw(env)?;
    spin::after_send(&handle);
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The messages `layout` describes, or `None` if it does not fit `dests`,
/// `packed` or `large` (an index out of range, a length neither packed nor
/// [`SEND_MANY_LARGE`], more bytes than packed, long views left over).
/// Packed bytes past the last datagram are not looked at: JS reuses one
/// area, larger than most calls need.
fn unpack<'a, L: Deref<Target = [u8]>>(
    dests: &[Option<SocketAddr>],
    layout: &[u32],
    count: usize,
    packed: &'a [u8],
    large: &'a [L],
) -> Option<Vec<(Option<SocketAddr>, &'a [u8])>> {
    let words = layout.get(..count.checked_mul(2)?)?;
    let mut messages = Vec::with_capacity(count);
    let mut offset = 0usize;
    let mut long = large.iter();
    for word in words.chunks_exact(2) {
        let dest = *dests.get(word[0] as usize)?;
        let data: &'a [u8] = if word[1] == SEND_MANY_LARGE {
            long.next().map(|view| &view[..])?
        } else if word[1] <= SEND_MANY_PACKED_MAX {
            let end = offset.checked_add(word[1] as usize)?;
            let data = packed.get(offset..end)?;
            offset = end;
            data
        } else {
            return None;
        };
        messages.push((dest, data));
    }
    (long.next().is_none()).then_some(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Option<SocketAddr> = Some(SocketAddr::V4(std::net::SocketAddrV4::new(
        std::net::Ipv4Addr::LOCALHOST,
        9,
    )));

    #[test]
    fn unpacks_packed_and_long_datagrams_in_order() {
        let long = vec![vec![7u8; 70_000]];
        let messages = unpack(
            &[A, None],
            &[0, 2, 1, SEND_MANY_LARGE, 0, 0, 1, 1],
            4,
            b"abc-unused",
            &long,
        )
        .expect("a layout that fits");
        let got: Vec<_> = messages
            .iter()
            .map(|(d, b)| (*d, b.len(), b.first().copied()))
            .collect();
        assert_eq!(
            got,
            [
                (A, 2, Some(b'a')),
                (None, 70_000, Some(7)),
                (A, 0, None),
                (None, 1, Some(b'c'))
            ]
        );
    }

    #[test]
    fn refuses_a_layout_that_does_not_fit() {
        let none: [Vec<u8>; 0] = [];
        let long = [vec![1u8]];
        // A destination index out of range.
        assert!(unpack(&[A], &[1, 1], 1, b"x", &none).is_none());
        // More bytes than packed.
        assert!(unpack(&[A], &[0, 2], 1, b"x", &none).is_none());
        // Fewer layout words than datagrams.
        assert!(unpack(&[A], &[0, 1], 2, b"xy", &none).is_none());
        // A long datagram without its view, a view without its datagram.
        assert!(unpack(&[A], &[0, SEND_MANY_LARGE], 1, b"", &none).is_none());
        assert!(unpack(&[A], &[0, 1], 1, b"x", &long).is_none());
        // A length above the packed bound that is not the marker.
        assert!(unpack(&[A], &[0, SEND_MANY_PACKED_MAX + 1], 1, &[0; 70_000], &none).is_none());
        // A count whose layout would overflow.
        assert!(unpack(&[A], &[], usize::MAX, b"", &none).is_none());
    }
}
