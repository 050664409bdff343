//! The head map of a log (`suyuan_format::heads`) as the entries make it: rebuilt from a
//! store's posting lists, or followed entry by entry while a log is replayed, and held
//! to the root its checkpoint signs.

use crate::storage::{Index, LogReader, StorageError};
use suyuan_format::checkpoint::heads_line;
use suyuan_format::heads::{key_hash, Head, HeadIndex, HeadMap, HeadUpdates};

/// The head map of `reader`'s snapshot, from its chain and document posting lists,
/// checked against the root its latest checkpoint signs: a damaged index is an error
/// here, never a map that proves a wrong head.
pub fn from_postings(reader: &dyn LogReader) -> Result<HeadMap, StorageError> {
    let mut heads = Vec::new();
    for (index, kind) in [
        (Index::Chain, HeadIndex::Chain),
        (Index::Document, HeadIndex::Document),
    ] {
        reader.for_each_posting(index, &mut |key, seqs| {
            let last = *seqs.last().ok_or_else(|| {
                StorageError::Corrupt(format!("{} lists no entries under {key:?}", index.table()))
            })?;
            heads.push((
                key_hash(kind, key),
                Head {
                    count: seqs.len() as u64,
                    last,
                },
            ));
            Ok(())
        })?;
    }
    let map = HeadMap::from_heads(heads);
    if reader.size() == 0 && map.is_empty() {
        return Ok(map); // an empty log has no checkpoint yet
    }
    let (size, note) = reader.latest_checkpoint_note()?;
    match heads_line(&note) {
        Some(root) if root == map.root() => Ok(map),
        Some(_) => Err(StorageError::Corrupt(format!(
            "the by_chain and by_document tables do not give the head map the checkpoint of size {size} signs (run `suyuan reindex`)"
        ))),
        None => Err(StorageError::Corrupt(format!(
            "the checkpoint of size {size} carries no head map root"
        ))),
    }
}

/// The head map followed through a replay of a log, so that each checkpoint's
/// `suyuan-heads` root can be checked against the map of exactly the entries it covers.
/// When the checkpoint sizes are known before the replay (a store's), each root is taken
/// as the replay passes that size; otherwise (an export, whose checkpoints come last) the
/// entries' keys are kept and the maps built when the checkpoints are checked.
pub struct HeadTrail {
    map: HeadMap,
    run: HeadUpdates,
    /// Entries applied to `map`.
    applied: u64,
    /// Sizes whose roots are wanted, ascending, when known in advance.
    cuts: Option<std::collections::VecDeque<u64>>,
    roots: std::collections::HashMap<u64, suyuan_format::encoding::Digest>,
    /// Without known sizes: every entry's keys, entry `i`'s ending at `ends[i]`.
    keys: Vec<[u8; 32]>,
    ends: Vec<usize>,
}

impl HeadTrail {
    /// A trail for checkpoints that are only known at the end.
    pub fn new() -> HeadTrail {
        HeadTrail {
            map: HeadMap::default(),
            run: HeadUpdates::default(),
            applied: 0,
            cuts: None,
            roots: Default::default(),
            keys: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// A trail that takes the roots of the log at `sizes` as the replay passes them.
    pub fn at_sizes(mut sizes: Vec<u64>) -> HeadTrail {
        sizes.sort_unstable();
        sizes.dedup();
        HeadTrail {
            cuts: Some(sizes.into()),
            ..HeadTrail::new()
        }
    }

    /// The entry at `position` (every position in order, once; an entry that does not
    /// parse has no keys) joins the lists of `keys`.
    pub fn add(&mut self, position: u64, keys: Vec<[u8; 32]>) {
        let Some(cuts) = &mut self.cuts else {
            self.keys.extend(keys);
            self.ends.push(self.keys.len());
            return;
        };
        for k in keys {
            self.run.add_hash(k, position);
        }
        let size = position + 1;
        while cuts.front().is_some_and(|&c| c <= size) {
            if cuts.pop_front() == Some(size) {
                self.map = self.run.apply(&self.map);
                self.applied = size;
                self.roots.insert(size, self.map.root());
            }
        }
    }

    /// The head map root of the first `size` entries added, if it can be given: with
    /// sizes known in advance, for those sizes; otherwise for sizes that do not decrease
    /// from one call to the next.
    pub fn root_at(&mut self, size: u64) -> Option<suyuan_format::encoding::Digest> {
        if size == 0 {
            return Some(HeadMap::default().root());
        }
        if self.cuts.is_some() {
            return self.roots.get(&size).copied();
        }
        if size < self.applied || size as usize > self.ends.len() {
            return None;
        }
        for i in self.applied as usize..size as usize {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            for k in &self.keys[start..self.ends[i]] {
                self.run.add_hash(*k, i as u64);
            }
        }
        self.map = self.run.apply(&self.map);
        self.applied = size;
        Some(self.map.root())
    }
}

impl Default for HeadTrail {
    fn default() -> Self {
        HeadTrail::new()
    }
}
