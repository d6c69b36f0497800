//! Who drives a handle's socket: the JS thread's own libuv loop (`'uv'`), or
//! the reactor thread (`'reactor'`). Chosen once per JS thread at load.

pub(crate) mod completions;
pub(crate) mod idle;
pub(crate) mod reactor;
pub(crate) mod read_rule;
pub(crate) mod select;
pub(crate) mod spin;
pub(crate) mod uv_poll;

pub(crate) use reactor::ReactorLink;
pub(crate) use uv_poll::UvPoll;

/// One handle's driver.
pub(crate) enum Driver {
    /// Polled on the JS thread's libuv loop.
    Uv(UvPoll),
    /// Driven by tasks on the reactor thread.
    Reactor(ReactorLink),
}
