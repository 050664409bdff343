//! Hash tiles: the stored Merkle nodes, sixteen to a row.
//!
//! Every complete subtree hash (level `l`, index `i`) lives in the tile
//! `node_key(l, i / 16)` at slot `i % 16`. A tile's value is its filled slots, 32 bytes
//! each, from slot 0 up: nodes of one level are created left to right, so a tile only ever
//! grows at its end, and only the rightmost tile of a level is partial. A group commit
//! writes each tile it touched once, instead of one row per node (a tree of n leaves has
//! about 2n nodes, so this is two B-tree inserts per entry saved), while a proof still
//! reads one small row per level.

use crate::encoding::Digest;
use crate::merkle::NodeSource;
use crate::store::{node_key, StoreError, TREE_TILES};
use redb::{ReadOnlyTable, ReadTransaction, ReadableTable, Table};
use std::collections::BTreeMap;

/// Nodes per tile.
pub const TILE_WIDTH: u64 = 16;
const HASH: usize = 32;

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

/// Reads nodes through a read transaction: a proof costs one tile read per level.
pub struct TxNodes {
    pub table: ReadOnlyTable<u64, &'static [u8]>,
}

impl TxNodes {
    pub fn new(txn: &ReadTransaction) -> Result<Self, StoreError> {
        Ok(TxNodes {
            table: txn.open_table(TREE_TILES)?,
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
        let tile = self
            .table
            .get(tile_key(level, index))?
            .ok_or_else(|| missing(level, index))?;
        slot(tile.value(), index).ok_or_else(|| missing(level, index))
    }
}
