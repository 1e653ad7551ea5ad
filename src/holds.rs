//! A cap on how many of something one key holds at once (connections per network address, long
//! polls per visitor): a hold is taken while under the cap and given back when dropped, so an
//! early return or a dropped request cannot leak one.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Holds per key, at most `cap` each.
pub struct Holds<K> {
    cap: usize,
    counts: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K: Hash + Eq + Clone> Holds<K> {
    pub fn new(cap: usize) -> Holds<K> {
        Holds {
            cap,
            counts: Arc::default(),
        }
    }

    /// One more hold for `key`, unless it holds its cap already.
    pub fn take(&self, key: K) -> Option<Hold<K>> {
        let mut counts = self.counts.lock().expect("hold counts poisoned");
        let count = counts.entry(key.clone()).or_default();
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(Hold {
            counts: self.counts.clone(),
            key,
        })
    }
}

/// One hold, given back when dropped; a key holding nothing is forgotten.
pub struct Hold<K: Hash + Eq> {
    counts: Arc<Mutex<HashMap<K, usize>>>,
    key: K,
}

impl<K: Hash + Eq> Drop for Hold<K> {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().expect("hold counts poisoned");
        if let Some(count) = counts.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_holds_at_most_its_cap_and_gets_each_back_when_dropped() {
        let holds = Holds::new(2);
        let (a, b) = (holds.take("a").unwrap(), holds.take("a").unwrap());
        assert!(holds.take("a").is_none());
        assert!(holds.take("b").is_some());
        drop(a);
        let c = holds.take("a").unwrap();
        drop((b, c));
        assert!(holds.counts.lock().unwrap().is_empty());
    }
}
