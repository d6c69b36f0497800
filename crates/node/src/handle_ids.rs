//! Handles by number, per JS thread, for the hot calls in [`crate::send_fns`].
//!
//! A napi-rs class method costs about 3.5k instructions before its body
//! runs (type-tag check, `napi_unwrap`, borrow bookkeeping; callgrind on the
//! ping-pong, two sends per round trip). A plain function taking the
//! handle's number skips all of it; the number is looked up here. Each env
//! runs on its own thread, so a thread-local table is per env, and a number
//! never reaches another thread's JS.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use crate::handle::Handle;

#[derive(Default)]
struct Table {
    slots: Vec<Weak<Handle>>,
    free: Vec<u32>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table::default());
}

/// Numbers `handle` (held weakly: the table never keeps one alive).
pub(crate) fn insert(handle: &Rc<Handle>) -> u32 {
    TABLE.with(|table| {
        let mut table = table.borrow_mut();
        let weak = Rc::downgrade(handle);
        match table.free.pop() {
            Some(id) => {
                table.slots[id as usize] = weak;
                id
            }
            None => {
                table.slots.push(weak);
                u32::try_from(table.slots.len() - 1).unwrap_or(u32::MAX)
            }
        }
    })
}

/// The handle numbered `id`, if it is still alive.
pub(crate) fn get(id: u32) -> Option<Rc<Handle>> {
    TABLE.with(|table| table.borrow().slots.get(id as usize)?.upgrade())
}

/// Frees `id` (its handle's JS object is gone).
pub(crate) fn remove(id: u32) {
    TABLE.with(|table| {
        let mut table = table.borrow_mut();
        if let Some(slot) = table.slots.get_mut(id as usize) {
            *slot = Weak::new();
            table.free.push(id);
        }
    });
}
