//! Hash tiles: the stored Merkle nodes, sixteen to a row.
//!
//! Every complete subtree hash (level `l`, index `i`) lives in the tile
//! `node_key(l, i / 16)` at slot `i % 16`. A tile's value is its filled slots, 32 bytes
//! each, from slot 0 up: nodes of one level are created left to right, so a tile only ever
//! grows at its end, and only the rightmost tile of a level is partial. A group commit
//! writes each tile it touched once, instead of one row per node (a tree of n leaves has
//! about 2n nodes, so this is two B-tree inserts per entry saved), while a proof still
//! reads one small row per level.

use crate::tables::{node_key, StoreError, TREE_TILES};
use redb::{ReadOnlyTable, ReadTransaction, ReadableTable, Table};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use suyuan_format::encoding::Digest;
use suyuan_format::merkle::NodeSource;

/// Nodes per tile.
pub const TILE_WIDTH: u64 = 16;
const HASH: usize = 32;
const TILE_BYTES: usize = TILE_WIDTH as usize * HASH;

/// The key of the tile holding node (`level`, `index`).
pub fn tile_key(level: u8, index: u64) -> u64 {
    node_key(level, index / TILE_WIDTH)
}

/// The node at `slot` of a tile's value, if the tile holds it.
fn slot(value: &[u8], index: u64) -> Option<Digest> {
    let at = (index % TILE_WIDTH) as usize * HASH;
    value
        .get(at..at + HASH)
        .map(|b| Digest(b.try_into().expect("32 bytes")))
}

fn missing(level: u8, index: u64) -> StoreError {
    StoreError::Corrupt(format!("tree node level {level} index {index} missing"))
}

/// Writes the nodes a group created, in creation order, one insert per touched tile.
/// A tile already partly filled by an earlier group is read and extended.
pub fn write_nodes(
    table: &mut Table<'_, u64, &'static [u8]>,
    nodes: &[(u8, u64, Digest)],
) -> Result<(), StoreError> {
    let mut tiles: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    for &(level, index, hash) in nodes {
        let key = tile_key(level, index);
        let at = (index % TILE_WIDTH) as usize * HASH;
        let tile = match tiles.entry(key) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let existing = if at == 0 {
                    Vec::new()
                } else {
                    table
                        .get(key)?
                        .map(|t| t.value().to_vec())
                        .unwrap_or_default()
                };
                v.insert(existing)
            }
        };
        if tile.len() != at {
            return Err(StoreError::Corrupt(format!(
                "tree tile of node level {level} index {index} holds {} nodes, expected {}",
                tile.len() / HASH,
                at / HASH
            )));
        }
        tile.extend_from_slice(&hash.0);
    }
    for (key, value) in tiles {
        table.insert(key, value.as_slice())?;
    }
    Ok(())
}

/// Complete tiles, shared by every reader of a ledger, and the hashes of the incomplete
/// right-edge subtrees that proofs to a checkpoint fold. A complete tile never changes,
/// and neither does the hash of leaves `[start, end)` once they exist, so neither needs
/// invalidating. Every tree level is cached: a consumer scans a random item, so a proof's
/// lowest tiles are as likely to be read as its highest. A tree of a million leaves has
/// about 131,000 tiles, some 75 MB here.
#[derive(Default)]
pub struct TileCache {
    // Keys are tile numbers and leaf ranges, not chosen by clients: a fast hash will do.
    tiles: RwLock<FxHashMap<u64, Box<[u8; TILE_BYTES]>>>,
    ranges: RwLock<FxHashMap<(u64, u64), Digest>>,
}

impl TileCache {
    /// At most this many tiles (about 150 MB): the whole tree up to about two million
    /// leaves. [`TileCache::fill`] takes the top levels first, which every proof reads.
    const CAPACITY: usize = 1 << 18;
    /// At most this many right-edge hashes; a checkpoint has about forty.
    const RANGES: usize = 1 << 12;

    /// The node at `index` of the cached tile `key`, if the tile is cached.
    fn node(&self, key: u64, index: u64) -> Option<Option<Digest>> {
        self.tiles
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .map(|tile| slot(&tile[..], index))
    }

    fn put(&self, key: u64, value: &[u8]) {
        let Ok(tile) = <[u8; TILE_BYTES]>::try_from(value) else {
            return; // partial: it will still grow
        };
        let mut map = self.tiles.write().unwrap_or_else(|p| p.into_inner());
        if map.len() < Self::CAPACITY {
            map.insert(key, Box::new(tile));
        }
    }

    /// Caches the complete tiles of a snapshot, top level first (tile keys sort by
    /// level), until the capacity is reached. Returns how many tiles it holds.
    pub fn fill(&self, txn: &ReadTransaction) -> Result<usize, StoreError> {
        let table = txn.open_table(TREE_TILES)?;
        for row in table.iter()?.rev() {
            let (k, v) = row?;
            if self.tiles.read().unwrap_or_else(|p| p.into_inner()).len() >= Self::CAPACITY {
                break;
            }
            self.put(k.value(), v.value());
        }
        Ok(self.tiles.read().unwrap_or_else(|p| p.into_inner()).len())
    }

    fn range(&self, start: u64, end: u64) -> Option<Digest> {
        let map = self.ranges.read().unwrap_or_else(|p| p.into_inner());
        map.get(&(start, end)).copied()
    }

    fn put_range(&self, start: u64, end: u64, hash: Digest) {
        let mut map = self.ranges.write().unwrap_or_else(|p| p.into_inner());
        if map.len() >= Self::RANGES {
            map.clear(); // older checkpoints' edges; the current one refills at once
        }
        map.insert((start, end), hash);
    }
}

/// Reads nodes through a read transaction: a proof costs one tile read per level, from
/// the shared cache where it holds the tile.
pub struct TxNodes {
    pub table: ReadOnlyTable<u64, &'static [u8]>,
    cache: Option<Arc<TileCache>>,
}

impl TxNodes {
    pub fn new(txn: &ReadTransaction, cache: Option<Arc<TileCache>>) -> Result<Self, StoreError> {
        Ok(TxNodes {
            table: txn.open_table(TREE_TILES)?,
            cache,
        })
    }
    /// Every stored node in (level, index) order: (level, index, hash). Stops when `f`
    /// returns false.
    pub fn for_each(&self, mut f: impl FnMut(u8, u64, Digest) -> bool) -> Result<(), StoreError> {
        for row in self.table.iter()? {
            let (k, v) = row?;
            let key = k.value();
            let (level, tile) = ((key >> 58) as u8, key & ((1 << 58) - 1));
            let value = v.value();
            if value.is_empty()
                || value.len() % HASH != 0
                || value.len() > TILE_WIDTH as usize * HASH
            {
                return Err(StoreError::Corrupt(format!(
                    "tree tile level {level} index {tile} is {} bytes long",
                    value.len()
                )));
            }
            for (slot, hash) in value.chunks_exact(HASH).enumerate() {
                let index = tile * TILE_WIDTH + slot as u64;
                if !f(level, index, Digest(hash.try_into().expect("32 bytes"))) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

impl NodeSource for TxNodes {
    type Error = StoreError;
    fn node(&self, level: u8, index: u64) -> Result<Digest, StoreError> {
        let key = tile_key(level, index);
        if let Some(node) = self.cache.as_ref().and_then(|c| c.node(key, index)) {
            return node.ok_or_else(|| missing(level, index));
        }
        let tile = self.table.get(key)?.ok_or_else(|| missing(level, index))?;
        if let Some(c) = &self.cache {
            c.put(key, tile.value());
        }
        slot(tile.value(), index).ok_or_else(|| missing(level, index))
    }

    fn known_range(&self, start: u64, end: u64) -> Option<Digest> {
        self.cache.as_ref().and_then(|c| c.range(start, end))
    }

    fn remember_range(&self, start: u64, end: u64, hash: Digest) {
        if let Some(c) = &self.cache {
            c.put_range(start, end, hash);
        }
    }
}
