//! Read-only connections shared by threads: a waiting thread sleeps until
//! one is handed back, instead of spinning on one connection's lock.

use rusqlite::Connection;
use std::ops::Deref;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::{Result, StoreError};

#[derive(Default)]
pub(super) struct ReaderPool {
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
    size: usize,
}

impl ReaderPool {
    pub(super) fn add(&mut self, conn: Connection) {
        self.size += 1;
        if let Ok(idle) = self.idle.get_mut() {
            idle.push(conn);
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// An idle connection, waiting for one to come back if all are in use.
    pub(super) fn take(&self) -> Result<Pooled<'_>> {
        let mut idle = self.idle.lock().map_err(|_| poisoned())?;
        loop {
            if let Some(conn) = idle.pop() {
                return Ok(Pooled {
                    pool: self,
                    conn: Some(conn),
                });
            }
            idle = self.returned.wait(idle).map_err(|_| poisoned())?;
        }
    }
}

fn poisoned() -> StoreError {
    StoreError::Database("connection lock poisoned".into())
}

/// A connection borrowed from the pool, returned when dropped.
pub(super) struct Pooled<'a> {
    pool: &'a ReaderPool,
    conn: Option<Connection>,
}

impl Deref for Pooled<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.pool.idle.lock()) {
            idle.push(conn);
            self.pool.returned.notify_one();
        }
    }
}

/// A connection to read with: from the pool, or the writer's own when the
/// database has no readers (in memory).
pub(super) enum ReadConn<'a> {
    Pooled(Pooled<'a>),
    Writer(MutexGuard<'a, Connection>),
}

impl Deref for ReadConn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            ReadConn::Pooled(p) => p,
            ReadConn::Writer(w) => w,
        }
    }
}
