//! Connections shared by threads: a waiting thread sleeps until one is
//! handed back, instead of spinning on one connection's lock.

use std::sync::{Condvar, Mutex};

use crate::{Result, StoreError};

pub(super) struct Pool<C> {
    idle: Mutex<Vec<C>>,
    returned: Condvar,
    size: usize,
}

impl<C> Default for Pool<C> {
    fn default() -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
            returned: Condvar::new(),
            size: 0,
        }
    }
}

impl<C> Pool<C> {
    pub(super) fn add(&mut self, conn: C) {
        self.size += 1;
        if let Ok(idle) = self.idle.get_mut() {
            idle.push(conn);
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// An idle connection, waiting for one to come back if all are in use.
    pub(super) fn take(&self) -> Result<Pooled<'_, C>> {
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
pub(super) struct Pooled<'a, C> {
    pool: &'a Pool<C>,
    conn: Option<C>,
}

impl<C> Pooled<'_, C> {
    /// Puts a fresh connection in place of this one (which is broken).
    pub(super) fn replace(&mut self, conn: C) {
        self.conn = Some(conn);
    }
}

impl<C> std::ops::Deref for Pooled<'_, C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl<C> std::ops::DerefMut for Pooled<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn.as_mut().expect("present until dropped")
    }
}

impl<C> Drop for Pooled<'_, C> {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.pool.idle.lock()) {
            idle.push(conn);
            self.pool.returned.notify_one();
        }
    }
}
