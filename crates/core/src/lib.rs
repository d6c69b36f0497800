//! uv-udp-core: the UDP socket behind uv-udp, in pure Rust.
//!
//! It knows nothing of JavaScript: `crates/node` turns these types into the
//! pyuv-shaped `UDP` class. Sockets are made with socket2 so that every option
//! (multicast, buffer sizes, IPv6 scope) can be set before and after `bind`,
//! and registered with one tokio reactor for the receive task and the send
//! queue. The owner's thread does the non-blocking fast path itself.
#![deny(missing_docs)]

pub mod address;
pub mod error;
mod event;
pub mod flags;
mod multicast;
mod options;
pub mod reactor;
pub mod recv_batch;
mod recv_loop;
pub mod recv_queue;
mod registration;
pub mod send_many;
pub mod send_queue;
mod udp;

pub use error::UvError;
pub use event::{Event, EventSink};
pub use udp::{SendOutcome, Udp};
