//! The head maps of the latest committed sizes, shared by the sequencer, which makes a
//! new version for every group before it commits, and readers, which prove heads against
//! the checkpoint of their own snapshot. Versions share all but the paths a group
//! changed, so holding the recent ones costs little; a snapshot older than all of them
//! rebuilds its map from its own posting lists.

use std::collections::VecDeque;
use std::sync::Mutex;
use suyuan_format::heads::HeadMap;

/// How many of the latest versions are held: more than the groups that commit while a
/// reader opens its snapshot and asks for its first proof.
const KEPT: usize = 64;

#[derive(Default)]
pub(crate) struct HeadVersions {
    /// (tree size, map), oldest first.
    versions: Mutex<VecDeque<(u64, HeadMap)>>,
}

impl HeadVersions {
    /// The map of the log at `size` entries, if held.
    pub fn get(&self, size: u64) -> Option<HeadMap> {
        let versions = self.versions.lock().unwrap_or_else(|p| p.into_inner());
        versions
            .iter()
            .rev()
            .find(|(s, _)| *s == size)
            .map(|(_, m)| m.clone())
    }

    /// Holds the map of `size`: published before the commit that makes `size` visible,
    /// so no snapshot of that size can miss it.
    pub fn publish(&self, size: u64, map: HeadMap) {
        let mut versions = self.versions.lock().unwrap_or_else(|p| p.into_inner());
        versions.retain(|(s, _)| *s < size);
        versions.push_back((size, map));
        while versions.len() > KEPT {
            versions.pop_front();
        }
    }

    /// Forgets the versions of `size` and above: their commit failed, and those sizes
    /// will be reached again by other groups.
    pub fn withdraw_from(&self, size: u64) {
        let mut versions = self.versions.lock().unwrap_or_else(|p| p.into_inner());
        versions.retain(|(s, _)| *s < size);
    }
}
