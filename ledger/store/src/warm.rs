//! Warming the page cache of a serving store.
//!
//! A consumer scans a random item, so a server's reads land on random pages of the
//! entries table and the posting lists. redb reads a page it has not cached with a
//! system call into a fresh buffer, which costs several times a cached read; a server
//! therefore sizes its cache to hold what it serves and fills it once at start, in the
//! background. The indexes are read whole (checkpoints, then the posting lists), then
//! the entries, newest first, until the budget is spent, so that a store larger than
//! the cache keeps its indexes and its most recent entries cached. (The hash tiles have
//! a cache of their own, `tiles::TileCache`.)

use crate::tables::{StoreError, BY_ACTOR, BY_CHAIN, BY_DOCUMENT, BY_TYPE, CHECKPOINTS, ENTRIES};
use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};

/// What one warming pass read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Warmed {
    /// Rows read, over all tables.
    pub rows: u64,
    /// Bytes of the pages those rows occupy (what the cache now holds).
    pub page_bytes: u64,
    /// Whether every table fitted within the budget.
    pub complete: bool,
}

/// Reads the store's tables so that their pages enter the cache, spending at most
/// `budget` bytes of pages (give it a little less than the read cache).
pub fn warm(db: &Database, budget: u64) -> Result<Warmed, StoreError> {
    let txn = db.begin_read()?;
    let mut warmed = Warmed {
        complete: true,
        ..Warmed::default()
    };
    // Posting tables are keyed by (key, first seq); checkpoints by tree size.
    macro_rules! whole_table {
        ($def:expr) => {{
            let table = txn.open_table($def)?;
            let pages = page_bytes(&table.stats()?);
            if warmed.page_bytes + pages > budget {
                warmed.complete = false;
            } else {
                for row in table.iter()? {
                    let (k, v) = row?;
                    std::hint::black_box((k.value(), v.value()));
                    warmed.rows += 1;
                }
                warmed.page_bytes += pages;
            }
        }};
    }
    whole_table!(CHECKPOINTS);
    whole_table!(BY_CHAIN);
    whole_table!(BY_DOCUMENT);
    whole_table!(BY_ACTOR);
    whole_table!(BY_TYPE);
    warm_entries(&txn, ENTRIES, budget, &mut warmed)?;
    Ok(warmed)
}

/// The entries, newest first, until the budget is spent.
fn warm_entries(
    txn: &redb::ReadTransaction,
    def: TableDefinition<u64, &[u8]>,
    budget: u64,
    warmed: &mut Warmed,
) -> Result<(), StoreError> {
    let table = txn.open_table(def)?;
    let stats = table.stats()?;
    let pages = page_bytes(&stats);
    let rows = table.len()?.max(1);
    // Pages per row, on average: leaves are not full, and branches sit above them.
    let per_row = pages.div_ceil(rows);
    let mut spent = 0u64;
    for row in table.iter()?.rev() {
        if warmed.page_bytes + spent + per_row > budget {
            warmed.complete = false;
            break;
        }
        let (k, v) = row?;
        std::hint::black_box((k.value(), v.value()));
        warmed.rows += 1;
        spent += per_row;
    }
    warmed.page_bytes += spent;
    Ok(())
}

fn page_bytes(stats: &redb::TableStats) -> u64 {
    stats.stored_bytes() + stats.metadata_bytes() + stats.fragmented_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warms_every_table_within_the_budget_and_stops_at_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::tables::open_database(dir.path(), true, 1 << 20).unwrap();
        let txn = db.begin_write().unwrap();
        crate::tables::create_tables(&txn).unwrap();
        {
            let mut entries = txn.open_table(ENTRIES).unwrap();
            for seq in 0..2000u64 {
                entries.insert(seq, vec![b'x'; 300].as_slice()).unwrap();
            }
            let mut chains = txn.open_table(BY_CHAIN).unwrap();
            for k in 0..200u64 {
                chains
                    .insert(
                        (format!("01/0471/10/B{k}").as_str(), k),
                        [0u8; 40].as_slice(),
                    )
                    .unwrap();
            }
        }
        txn.commit().unwrap();

        let all = warm(&db, u64::MAX).unwrap();
        assert!(all.complete);
        assert_eq!(all.rows, 2200);
        assert!(all.page_bytes >= 2000 * 300, "{all:?}");

        // Half the entries' pages: the indexes, then the newest entries only.
        let half = warm(&db, all.page_bytes / 2).unwrap();
        assert!(!half.complete);
        assert!(half.rows > 200 && half.rows < 2200, "{half:?}");
        assert!(half.page_bytes <= all.page_bytes / 2);
    }
}
