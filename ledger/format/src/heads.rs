//! The head map: for every chain key and every document key, the head of its posting
//! list — how many entries are on it and the seq of the newest — kept as a sparse Merkle
//! tree whose root every checkpoint signs (docs/FORMAT.md §5.1).
//!
//! Hash links prove that nothing is missing from the middle of a chain; only the head map
//! proves that nothing is missing at its end. A bundle carries, for each chain and
//! document of an item's story, a proof of its head against the bundle's checkpoint, so a
//! server that leaves out a recall appended after the item was sold is caught.
//!
//! The tree is the compact form of a 256-level sparse Merkle tree over
//! `SHA-256(index byte ‖ key)`: an empty subtree hashes to 32 zero bytes, a subtree that
//! holds one leaf hashes to that leaf's hash wherever it sits, and any other subtree to
//! `SHA-256(0x03 ‖ left ‖ right)`. Leaves are `SHA-256(0x02 ‖ key hash ‖ count ‖ last)`.
//! The root depends on the set of leaves only, never on the order of insertion. Keys are
//! never removed (posting lists only grow), and versions share structure, so keeping the
//! map of every recent checkpoint costs only the paths a group changed.

use crate::encoding::Digest;
use crate::hash::sha256_of;
use std::sync::Arc;

/// The hash of an empty subtree.
pub const EMPTY: Digest = Digest([0; 32]);

/// The line a checkpoint carries the head map's root on (after the root hash line).
pub const CHECKPOINT_LINE_PREFIX: &str = "suyuan-heads ";

/// Which posting index a key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HeadIndex {
    /// Chain keys: item paths and `actor:ID` (FORMAT.md §3).
    Chain,
    /// Document keys: `order:NO`, `payment:NO`, `waybill:NO`, `declaration:NO`.
    Document,
}

impl HeadIndex {
    fn byte(self) -> u8 {
        match self {
            HeadIndex::Chain => 0,
            HeadIndex::Document => 1,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            HeadIndex::Chain => "chain",
            HeadIndex::Document => "document",
        }
    }
    pub fn parse(s: &str) -> Option<HeadIndex> {
        match s {
            "chain" => Some(HeadIndex::Chain),
            "document" => Some(HeadIndex::Document),
            _ => None,
        }
    }
}

/// Where a key sits in the tree: SHA-256(index byte ‖ UTF-8 key).
pub fn key_hash(index: HeadIndex, key: &str) -> [u8; 32] {
    sha256_of(&[&[index.byte()], key.as_bytes()]).0
}

/// The head of one posting list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Entries on the list (at least 1: a key without entries is not in the map).
    pub count: u64,
    /// Seq of the newest of them.
    pub last: u64,
}

/// SHA-256(0x02 ‖ key hash ‖ be64(count) ‖ be64(last)).
pub fn leaf_hash(key: &[u8; 32], head: &Head) -> Digest {
    sha256_of(&[
        &[2],
        key,
        &head.count.to_be_bytes(),
        &head.last.to_be_bytes(),
    ])
}

/// SHA-256(0x03 ‖ left ‖ right), for a subtree holding at least two leaves.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    sha256_of(&[&[3], &left.0, &right.0])
}

/// Bit `depth` of a key hash, most significant bit of byte 0 first: 0 goes left.
fn bit(key: &[u8; 32], depth: usize) -> bool {
    key[depth / 8] >> (7 - depth % 8) & 1 == 1
}

#[derive(Clone, Default)]
enum Node {
    #[default]
    Empty,
    Leaf(Arc<Leaf>),
    Inner(Arc<Inner>),
}

struct Leaf {
    key: [u8; 32],
    head: Head,
    hash: Digest,
}

struct Inner {
    hash: Digest,
    left: Node,
    right: Node,
}

impl Node {
    fn hash(&self) -> Digest {
        match self {
            Node::Empty => EMPTY,
            Node::Leaf(l) => l.hash,
            Node::Inner(i) => i.hash,
        }
    }

    fn leaf(key: [u8; 32], head: Head) -> Node {
        Node::Leaf(Arc::new(Leaf {
            key,
            hash: leaf_hash(&key, &head),
            head,
        }))
    }

    fn inner(left: Node, right: Node) -> Node {
        Node::Inner(Arc::new(Inner {
            hash: node_hash(&left.hash(), &right.hash()),
            left,
            right,
        }))
    }

    /// The subtree at `depth` holding exactly `leaves` (sorted by key, distinct).
    fn build(leaves: &[([u8; 32], Head)], depth: usize) -> Node {
        match leaves {
            [] => Node::Empty,
            [(key, head)] => Node::leaf(*key, *head),
            _ => {
                let split = leaves.partition_point(|(k, _)| !bit(k, depth));
                Node::inner(
                    Node::build(&leaves[..split], depth + 1),
                    Node::build(&leaves[split..], depth + 1),
                )
            }
        }
    }

    /// This subtree (at `depth`) with `updates` (sorted by key, distinct) merged in:
    /// each key's new head is `merge(its head here, if any, the update)`. Returns how many
    /// of the keys were new.
    fn update(&self, depth: usize, updates: &[([u8; 32], Head)], merge: Merge) -> (Node, u64) {
        if updates.is_empty() {
            return (self.clone(), 0);
        }
        let fresh = |u: &([u8; 32], Head)| (u.0, merge(None, u.1));
        match self {
            Node::Empty => {
                let leaves: Vec<_> = updates.iter().map(fresh).collect();
                (Node::build(&leaves, depth), updates.len() as u64)
            }
            Node::Leaf(l) => {
                // The leaf's key keeps its place in key order, merged if updated.
                let at = updates.partition_point(|u| u.0 < l.key);
                let updated = updates.get(at).is_some_and(|u| u.0 == l.key);
                let mut leaves: Vec<_> = updates.iter().map(fresh).collect();
                if updated {
                    leaves[at].1 = merge(Some(l.head), updates[at].1);
                } else {
                    leaves.insert(at, (l.key, l.head));
                }
                (
                    Node::build(&leaves, depth),
                    updates.len() as u64 - u64::from(updated),
                )
            }
            Node::Inner(i) => {
                let split = updates.partition_point(|(k, _)| !bit(k, depth));
                let (left, new_left) = i.left.update(depth + 1, &updates[..split], merge);
                let (right, new_right) = i.right.update(depth + 1, &updates[split..], merge);
                (Node::inner(left, right), new_left + new_right)
            }
        }
    }
}

/// How an update combines with a key's head, if it has one.
type Merge = fn(Option<Head>, Head) -> Head;

/// One version of the head map. Cloning is cheap (a reference to the root); an update
/// makes a new version and leaves this one as it was.
#[derive(Clone, Default)]
pub struct HeadMap {
    root: Node,
    len: u64,
}

impl HeadMap {
    /// The map holding exactly `heads`, in any order (a later duplicate key wins).
    pub fn from_heads(heads: impl IntoIterator<Item = ([u8; 32], Head)>) -> HeadMap {
        HeadMap::default().with(heads)
    }

    /// The root hash, as checkpoints sign it.
    pub fn root(&self) -> Digest {
        self.root.hash()
    }

    /// Number of keys in the map.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The head of `key`, if it has entries.
    pub fn get(&self, key: &[u8; 32]) -> Option<Head> {
        let mut node = &self.root;
        let mut depth = 0;
        loop {
            match node {
                Node::Empty => return None,
                Node::Leaf(l) => return (l.key == *key).then_some(l.head),
                Node::Inner(i) => {
                    node = if bit(key, depth) { &i.right } else { &i.left };
                    depth += 1;
                }
            }
        }
    }

    /// A new version with `heads` set (in any order; a later duplicate key wins).
    pub fn with(&self, heads: impl IntoIterator<Item = ([u8; 32], Head)>) -> HeadMap {
        let mut updates: Vec<([u8; 32], Head)> = heads.into_iter().collect();
        // Stable: among equal keys the last given comes last, and is kept.
        updates.sort_by_key(|u| u.0);
        let mut distinct: Vec<([u8; 32], Head)> = Vec::with_capacity(updates.len());
        for u in updates {
            match distinct.last_mut() {
                Some(last) if last.0 == u.0 => *last = u,
                _ => distinct.push(u),
            }
        }
        self.merged(&distinct, |_, set| set)
    }

    /// A new version with each key's list grown: `count` more entries, the newest `last`
    /// (keys distinct, in any order).
    pub fn grown(&self, growth: impl IntoIterator<Item = ([u8; 32], Head)>) -> HeadMap {
        let mut updates: Vec<([u8; 32], Head)> = growth.into_iter().collect();
        updates.sort_unstable_by_key(|u| u.0);
        updates.dedup_by_key(|u| u.0);
        self.merged(&updates, |old, more| Head {
            count: old.map_or(0, |h| h.count) + more.count,
            last: more.last,
        })
    }

    fn merged(&self, updates: &[([u8; 32], Head)], merge: Merge) -> HeadMap {
        let (root, added) = self.root.update(0, updates, merge);
        HeadMap {
            root,
            len: self.len + added,
        }
    }

    /// The proof of `key`'s head (or of its absence) against [`HeadMap::root`].
    pub fn prove(&self, key: &[u8; 32]) -> HeadProof {
        let mut node = &self.root;
        let mut path = Vec::new();
        loop {
            match node {
                Node::Empty => {
                    return HeadProof {
                        head: None,
                        other: None,
                        path,
                    }
                }
                Node::Leaf(l) if l.key == *key => {
                    return HeadProof {
                        head: Some(l.head),
                        other: None,
                        path,
                    }
                }
                Node::Leaf(l) => {
                    return HeadProof {
                        head: None,
                        other: Some((l.key, l.head)),
                        path,
                    }
                }
                Node::Inner(i) => {
                    if bit(key, path.len()) {
                        path.push(i.left.hash());
                        node = &i.right;
                    } else {
                        path.push(i.right.hash());
                        node = &i.left;
                    }
                }
            }
        }
    }
}

/// A key's head, or its absence, as of one head map root. `path` holds the sibling
/// hashes from the root down to where the key's path ends: at its own leaf (`head`), at
/// another key's leaf (`other`, opened so that it cannot be a subtree in disguise), or at
/// an empty subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadProof {
    pub head: Option<Head>,
    pub other: Option<([u8; 32], Head)>,
    pub path: Vec<Digest>,
}

/// Why a head proof was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeadProofError {
    #[error("the proof is {0} levels deep; the map has 256")]
    TooDeep(usize),
    #[error("the proof gives both the key's head and another key's leaf")]
    Ambiguous,
    #[error("a head with count 0 (a key without entries is absent from the map)")]
    ZeroCount,
    #[error("the other leaf is the key itself, or not on the key's path")]
    OtherNotOnPath,
    #[error("the proof does not lead to the checkpoint's head map root")]
    RootMismatch,
}

impl HeadProof {
    /// Checks the proof for `key` against `root`; returns the key's head, `None` when the
    /// proof shows the key has no entries.
    pub fn verify(&self, key: &[u8; 32], root: &Digest) -> Result<Option<Head>, HeadProofError> {
        let depth = self.path.len();
        if depth > 256 {
            return Err(HeadProofError::TooDeep(depth));
        }
        let mut hash = match (&self.head, &self.other) {
            (Some(_), Some(_)) => return Err(HeadProofError::Ambiguous),
            (Some(head), None) => {
                if head.count == 0 {
                    return Err(HeadProofError::ZeroCount);
                }
                leaf_hash(key, head)
            }
            (None, Some((other, head))) => {
                if other == key || (0..depth).any(|d| bit(other, d) != bit(key, d)) {
                    return Err(HeadProofError::OtherNotOnPath);
                }
                if head.count == 0 {
                    return Err(HeadProofError::ZeroCount);
                }
                leaf_hash(other, head)
            }
            (None, None) => EMPTY,
        };
        for (d, sibling) in self.path.iter().enumerate().rev() {
            hash = if bit(key, d) {
                node_hash(sibling, &hash)
            } else {
                node_hash(&hash, sibling)
            };
        }
        if hash != *root {
            return Err(HeadProofError::RootMismatch);
        }
        Ok(self.head)
    }
}

/// The keys (hashed) whose posting lists an entry joins: every chain in its `prev`
/// (`chains`) and every document its event names, as the document index files it.
pub fn entry_keys<'k>(
    chains: impl Iterator<Item = &'k str>,
    event: &crate::event::Event,
) -> Vec<[u8; 32]> {
    let chains = chains.map(|c| key_hash(HeadIndex::Chain, c));
    let documents = event
        .documents()
        .into_iter()
        .map(|(kind, number)| key_hash(HeadIndex::Document, &kind.key(&number)));
    chains.chain(documents).collect()
}

/// How a run of entries grows the posting lists, gathered while they are replayed in
/// log order and applied to a map in one update (per group, or per checkpoint).
#[derive(Default)]
pub struct HeadUpdates {
    /// Key hash → entries added in this run and the newest of them.
    growth: rustc_hash::FxHashMap<[u8; 32], Head>,
}

impl HeadUpdates {
    /// Entry `seq` is on the posting list of `key`.
    pub fn add(&mut self, index: HeadIndex, key: &str, seq: u64) {
        self.add_hash(key_hash(index, key), seq);
    }

    /// [`HeadUpdates::add`] of a key already hashed ([`key_hash`]).
    pub fn add_hash(&mut self, k: [u8; 32], seq: u64) {
        let grown = self.growth.entry(k).or_insert(Head { count: 0, last: 0 });
        if grown.count > 0 && grown.last == seq {
            return; // the same entry named twice
        }
        grown.count += 1;
        grown.last = seq;
    }

    /// Entry `seq`, with chains `chains` (its `prev` keys) and event `event`: on every
    /// chain it joins and every document it names (as the document index files it).
    pub fn add_entry<'k>(
        &mut self,
        seq: u64,
        chains: impl Iterator<Item = &'k str>,
        event: &crate::event::Event,
    ) {
        for k in entry_keys(chains, event) {
            self.add_hash(k, seq);
        }
    }

    /// `base` with the run applied; the run starts over.
    pub fn apply(&mut self, base: &HeadMap) -> HeadMap {
        base.grown(self.growth.drain())
    }
}
