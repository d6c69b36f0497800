//! The reactor driver: a socket's receive task and send-queue drain, run on
//! the [reactor](crate::reactor) thread, reporting to the owner through an
//! [`EventSink`]. Used where the owner's thread has no event loop this crate
//! can watch a socket on (Bun, Deno, Windows); elsewhere the owner polls the
//! socket itself and calls [`crate::Udp`]'s read and drain methods.

use std::io;
use std::sync::{Arc, Weak};

use socket2::Socket;
use tokio::io::Interest;
use tokio::task::JoinHandle;

use crate::event::{Event, EventSink};
use crate::recv_batch::{with_thread_reader, BATCH};
use crate::recv_queue::ReceiveQueue;
use crate::registration::{shared, Registration};
use crate::send_requests::{send_now, SendRequests};
use crate::{reactor, UvError};

/// Reads per wake-up before yielding, so that one busy socket cannot starve
/// the others on the reactor thread.
const READS_PER_TURN: usize = 16;

/// One socket's tasks on the reactor.
pub(crate) struct ReactorTasks {
    sink: Arc<dyn EventSink>,
    pub(crate) receive_queue: Arc<ReceiveQueue>,
    registration: Weak<Registration>,
    receiver: Option<JoinHandle<()>>,
    drainer: Option<JoinHandle<()>>,
    // Aborted tasks that may still hold the socket until the reactor drops them.
    retired: Vec<JoinHandle<()>>,
}

impl ReactorTasks {
    pub(crate) fn new(sink: Arc<dyn EventSink>) -> ReactorTasks {
        ReactorTasks {
            sink,
            receive_queue: Arc::default(),
            registration: Weak::new(),
            receiver: None,
            drainer: None,
            retired: Vec::new(),
        }
    }

    pub(crate) fn start_recv(&mut self, io: &Arc<Socket>) -> Result<(), UvError> {
        let registration = shared(&mut self.registration, io)?;
        let task = receive(
            registration,
            Arc::clone(&self.sink),
            Arc::clone(&self.receive_queue),
        );
        self.receiver = Some(reactor::handle()?.spawn(task));
        Ok(())
    }

    pub(crate) fn stop_recv(&mut self) {
        if let Some(task) = self.receiver.take() {
            // Cancellation lands at the task's awaits (readiness, yield),
            // never between a read and its hand-over, so nothing read is lost.
            task.abort();
            self.retire(task);
        }
    }

    /// Starts draining `requests`; on failure (no reactor, no registration:
    /// the descriptor limit) the caller fails the waiting requests with the
    /// error, so that nothing waits forever (issue C).
    pub(crate) fn start_drain(
        &mut self,
        io: &Arc<Socket>,
        requests: &Arc<SendRequests>,
    ) -> Result<(), UvError> {
        let registration = shared(&mut self.registration, io)?;
        let task = drain(registration, Arc::clone(requests), Arc::clone(&self.sink));
        let spawned = reactor::handle()?.spawn(task);
        if let Some(finished) = self.drainer.replace(spawned) {
            self.retire(finished);
        }
        Ok(())
    }

    fn retire(&mut self, task: JoinHandle<()>) {
        self.retired.retain(|t| !t.is_finished());
        self.retired.push(task);
    }

    /// Aborts every task and waits (bounded) until they let go of the socket.
    pub(crate) fn close(&mut self) {
        self.stop_recv();
        if let Some(task) = self.drainer.take() {
            task.abort();
            self.retired.push(task);
        }
        settle(std::mem::take(&mut self.retired));
    }
}

/// Reads until `EAGAIN`, hands each read over as one batch; runs until
/// aborted (by `stop_recv` or `close`).
async fn receive(io: Arc<Registration>, sink: Arc<dyn EventSink>, queue: Arc<ReceiveQueue>) {
    loop {
        match io.readable().await {
            Err(_) => return,
            Ok(Some(error)) => {
                sink.emit(Event::RecvError(UvError::from_io(&error)));
                continue;
            }
            Ok(None) => {}
        }
        for _ in 0..READS_PER_TURN {
            // The reactor thread's one reader: its memory is shared by every
            // receiving socket, and nothing is held across an await.
            let read = with_thread_reader(|reader| {
                let n = io.try_io(Interest::READABLE, |socket| reader.read(socket, BATCH))?;
                // What does not fit in the queue is dropped (and counted),
                // the rest kept: a read may hold thousands with GRO.
                Ok::<_, io::Error>(
                    queue
                        .reserve_prefix(reader.metas(n))
                        .map(|(fit, slot)| reader.pack(fit, Some(slot))),
                )
            });
            match read {
                Ok(Some(batch)) => sink.emit(Event::Received(batch)),
                Ok(None) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    sink.emit(Event::RecvError(UvError::from_io(&e)));
                    break;
                }
            }
        }
        tokio::task::yield_now().await;
    }
}

/// Sends the waiting requests in order, writing each outcome into it and
/// telling the owner how many completed; ends when none waits (or when
/// aborted, on close).
async fn drain(io: Arc<Registration>, requests: Arc<SendRequests>, sink: Arc<dyn EventSink>) {
    loop {
        let drained = requests.drain(|d| {
            io.try_io(Interest::WRITABLE, |socket| {
                send_now(socket, d.dest, &d.data)
            })
        });
        if drained.completed > 0 {
            sink.emit(Event::SendsDone(drained.completed));
        }
        if drained.unsent == 0 {
            return;
        }
        if drained.completed > 0 {
            // Other sockets' tasks get the thread between chunks.
            tokio::task::yield_now().await;
        } else if io.writable().await.is_err() {
            return;
        }
    }
}

/// Waits until aborted `tasks` are gone (a reactor turn: they were parked at
/// an await), bounded so that a wedged reactor cannot hang the caller's
/// thread. False if they are not gone (or it cannot wait: on the reactor).
pub(crate) fn settle(tasks: Vec<JoinHandle<()>>) -> bool {
    let pending: Vec<_> = tasks.into_iter().filter(|t| !t.is_finished()).collect();
    if pending.is_empty() {
        return true;
    }
    if tokio::runtime::Handle::try_current().is_ok() {
        return false;
    }
    let Ok(reactor) = reactor::handle() else {
        return false;
    };
    let (done, wait) = std::sync::mpsc::channel();
    reactor.spawn(async move {
        for task in pending {
            let _ = task.await;
        }
        let _ = done.send(());
    });
    wait.recv_timeout(std::time::Duration::from_secs(1)).is_ok()
}
