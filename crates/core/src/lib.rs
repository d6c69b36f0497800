//! uv-udp-core: the UDP socket behind uv-udp, in pure Rust.
//!
//! It knows nothing of JavaScript: `crates/node` turns these types into the
//! pyuv-shaped `UDP` class. Sockets are made with socket2 so that every option
//! (multicast, buffer sizes, IPv6 scope) can be set before and after `bind`.
//! One core, two drivers: the owner's thread either polls the socket on its
//! own event loop and calls [`Udp::read`] / [`Udp::drain`], or a tokio
//! reactor thread does and reports through an [`EventSink`]. The owner's
//! thread does the non-blocking send fast path itself either way.
#![deny(missing_docs)]

pub mod address;
pub mod error;
mod event;
pub mod flags;
mod multicast;
mod options;
pub mod reactor;
mod reactor_tasks;
pub mod recv_batch;
pub mod recv_queue;
mod registration;
pub mod send_many;
pub mod send_requests;
mod udp;

pub use error::UvError;
pub use event::{Event, EventSink};
pub use udp::{gro_allowed, Activity, SendOutcome, Udp};
