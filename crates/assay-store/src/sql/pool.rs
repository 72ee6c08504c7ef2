//! Connections shared by threads: a waiting thread sleeps until one is
//! handed back, instead of spinning on one connection's lock. A pool may
//! also open connections as they are needed, up to a limit.

use std::sync::{Condvar, Mutex};

use crate::{Result, StoreError};

pub(super) struct Pool<C> {
    slots: Mutex<Slots<C>>,
    returned: Condvar,
}

struct Slots<C> {
    idle: Vec<C>,
    /// Connections that exist, idle or in use (or being opened).
    open: usize,
}

impl<C> Default for Pool<C> {
    fn default() -> Self {
        Pool {
            slots: Mutex::new(Slots {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }
}

impl<C> Pool<C> {
    pub(super) fn add(&mut self, conn: C) {
        if let Ok(slots) = self.slots.get_mut() {
            slots.open += 1;
            slots.idle.push(conn);
        }
    }

    /// Takes every idle connection out (all of them, when none is lent).
    pub(super) fn drain(&mut self) -> Vec<C> {
        self.slots
            .get_mut()
            .map(|s| {
                s.open -= s.idle.len();
                std::mem::take(&mut s.idle)
            })
            .unwrap_or_default()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.slots.lock().map(|s| s.open == 0).unwrap_or(true)
    }

    /// An idle connection, waiting for one to come back if all are in use.
    pub(super) fn take(&self) -> Result<Pooled<'_, C>> {
        // A limit of none opens nothing, so the opener is never called.
        self.take_or_open(0, || Err(poisoned()))
    }

    /// An idle connection; else a new one from `open` while fewer than
    /// `max` exist; else the next one handed back.
    pub(super) fn take_or_open(
        &self,
        max: usize,
        open: impl FnOnce() -> Result<C>,
    ) -> Result<Pooled<'_, C>> {
        let mut slots = self.slots.lock().map_err(|_| poisoned())?;
        loop {
            if let Some(conn) = slots.idle.pop() {
                return Ok(self.lend(conn));
            }
            if slots.open < max {
                slots.open += 1;
                drop(slots);
                // Opened without the lock: connecting takes a round trip
                // or a TLS handshake, and other threads may hand back
                // connections meanwhile.
                return match open() {
                    Ok(conn) => Ok(self.lend(conn)),
                    Err(e) => {
                        if let Ok(mut slots) = self.slots.lock() {
                            slots.open -= 1;
                        }
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            slots = self.returned.wait(slots).map_err(|_| poisoned())?;
        }
    }

    fn lend(&self, conn: C) -> Pooled<'_, C> {
        Pooled {
            pool: self,
            conn: Some(conn),
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
    /// Puts a fresh connection in place of this one (which is broken);
    /// the old one, for the caller to dispose of.
    pub(super) fn replace(&mut self, conn: C) -> Option<C> {
        self.conn.replace(conn)
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
        if let (Some(conn), Ok(mut slots)) = (self.conn.take(), self.pool.slots.lock()) {
            slots.idle.push(conn);
            self.pool.returned.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn connections_are_opened_as_needed_up_to_the_limit() {
        let pool: Pool<usize> = Pool::default();
        let opened = AtomicUsize::new(0);
        let open = || Ok(opened.fetch_add(1, Ordering::SeqCst));
        let a = pool.take_or_open(2, open).unwrap();
        drop(a);
        // The idle one is reused rather than a second opened.
        let a = pool.take_or_open(2, open).unwrap();
        let b = pool.take_or_open(2, open).unwrap();
        assert_eq!((*a, *b, opened.load(Ordering::SeqCst)), (0, 1, 2));
        // At the limit, a third taker waits for one to come back.
        std::thread::scope(|s| {
            let waiter = s.spawn(|| *pool.take_or_open(2, open).unwrap());
            std::thread::sleep(std::time::Duration::from_millis(50));
            drop(a);
            assert_eq!(waiter.join().unwrap(), 0);
        });
        drop(b);
        assert_eq!(opened.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failed_open_frees_its_slot() {
        let pool: Pool<usize> = Pool::default();
        assert!(
            pool.take_or_open(1, || Err(StoreError::Database("refused".into())))
                .is_err()
        );
        assert!(pool.is_empty());
        assert_eq!(*pool.take_or_open(1, || Ok(7)).unwrap(), 7);
    }
}
