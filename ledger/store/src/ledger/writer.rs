//! The redb implementation of the core's [`GroupWriter`]: one group, one write
//! transaction, committed with fsync (redb's default durability).

use crate::index::{IndexBatch, IndexTables};
use crate::tables::*;
use crate::tiles;
use redb::{Database, Table};
use suyuan_core::storage::{Group, GroupWriter, StorageError};

/// Writes groups into one redb database.
pub(crate) struct RedbWriter<'a> {
    pub db: &'a Database,
}

impl GroupWriter for RedbWriter<'_> {
    type Rows = IndexBatch;

    fn commit(&self, group: &Group<'_>, rows: &IndexBatch) -> Result<(), StorageError> {
        let write = || -> Result<(), StoreError> {
            let txn = self.db.begin_write()?;
            {
                let mut t = WriteTables::open(&txn)?;
                for (seq, bytes) in (group.first..).zip(group.entries) {
                    t.entries.insert(seq, bytes.as_slice())?;
                }
                for (seq, private) in group.private {
                    t.private.insert(*seq, private.as_slice())?;
                }
                for (id, record) in group.actors {
                    t.actors.insert(id.as_str(), record.as_slice())?;
                }
                tiles::write_nodes(&mut t.tiles, group.nodes)?;
                rows.write(t.index_tables())?;
                t.checkpoints
                    .insert(group.checkpoint.size, group.checkpoint.note.as_str())?;
            }
            txn.commit()?;
            Ok(())
        };
        Ok(write()?)
    }
}

/// Every table the append path writes, opened once per transaction.
pub(crate) struct WriteTables<'t> {
    pub entries: Table<'t, u64, &'static [u8]>,
    tiles: Table<'t, u64, &'static [u8]>,
    checkpoints: Table<'t, u64, &'static str>,
    private: Table<'t, u64, &'static [u8]>,
    hash_rows: Table<'t, u64, &'static [u8]>,
    by_chain: Table<'t, (&'static str, u64), &'static [u8]>,
    by_document: Table<'t, (&'static str, u64), &'static [u8]>,
    by_actor: Table<'t, (&'static str, u64), &'static [u8]>,
    by_type: Table<'t, (&'static str, u64), &'static [u8]>,
    pub actors: Table<'t, &'static str, &'static [u8]>,
}

impl<'t> WriteTables<'t> {
    pub fn open(txn: &'t redb::WriteTransaction) -> Result<Self, StoreError> {
        Ok(WriteTables {
            entries: txn.open_table(ENTRIES)?,
            tiles: txn.open_table(TREE_TILES)?,
            checkpoints: txn.open_table(CHECKPOINTS)?,
            private: txn.open_table(PRIVATE)?,
            hash_rows: txn.open_table(HASH_ROWS)?,
            by_chain: txn.open_table(BY_CHAIN)?,
            by_document: txn.open_table(BY_DOCUMENT)?,
            by_actor: txn.open_table(BY_ACTOR)?,
            by_type: txn.open_table(BY_TYPE)?,
            actors: txn.open_table(ACTORS)?,
        })
    }

    pub fn index_tables(&mut self) -> IndexTables<'_, 't> {
        IndexTables {
            hash_rows: &mut self.hash_rows,
            by_chain: &mut self.by_chain,
            by_document: &mut self.by_document,
            by_actor: &mut self.by_actor,
            by_type: &mut self.by_type,
        }
    }
}
