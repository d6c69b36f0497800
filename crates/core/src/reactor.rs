//! The tokio reactor every socket registers with.
//!
//! One current-thread runtime on a thread of its own, for the whole process:
//! it outlives every Node environment (main thread, workers, Electron
//! reloads), so no socket is ever left registered with a runtime that was shut
//! down under it (napi-rs#3443 is that bug with a per-env runtime). The I/O it
//! does is short and non-blocking: reads until `EAGAIN`, then back to epoll.

use std::io;
use std::sync::{Mutex, OnceLock};

use tokio::runtime::{Builder, Handle};

static REACTOR: OnceLock<Handle> = OnceLock::new();
static STARTING: Mutex<()> = Mutex::new(());

/// The reactor's handle, started on first use.
///
/// Fails (instead of panicking) when the OS refuses the epoll instance or the
/// thread, e.g. at the descriptor limit: the caller reports `UV_EMFILE` and a
/// later call tries again.
pub fn handle() -> io::Result<&'static Handle> {
    if let Some(handle) = REACTOR.get() {
        return Ok(handle);
    }
    let _starting = STARTING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(handle) = REACTOR.get() {
        return Ok(handle);
    }
    let runtime = Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("uv-udp-reactor".into())
        .spawn(move || runtime.block_on(std::future::pending::<()>()))?;
    Ok(REACTOR.get_or_init(|| handle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactor_is_started_once_and_runs_tasks() {
        let first = handle().expect("reactor");
        let second = handle().expect("reactor");
        assert_eq!(first.id(), second.id());
        let (tx, rx) = std::sync::mpsc::channel();
        first.spawn(async move { tx.send(7).expect("send") });
        assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)), Ok(7));
    }
}
