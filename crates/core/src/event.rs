//! What a socket's background tasks hand back to the thread that owns it.

use crate::recv_batch::RecvBatch;
use crate::UvError;

/// One delivery from the reactor to the owner of a [`crate::Udp`].
#[derive(Debug)]
pub enum Event {
    /// Datagrams read in one go; see [`RecvBatch`] for the layout.
    Received(RecvBatch),
    /// A read failed; receiving goes on.
    RecvError(UvError),
    /// This many queued sends finished; their outcomes wait in the handle's
    /// send requests ([`crate::Udp::take_completed`]).
    SendsDone(usize),
}

/// Where a socket's events go. The Node binding forwards them through one
/// threadsafe function per handle; tests collect them in a channel.
///
/// `emit` is called on the reactor thread and must not block.
pub trait EventSink: Send + Sync + 'static {
    /// Hands one event to the owner.
    fn emit(&self, event: Event);
}
