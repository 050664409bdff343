//! The RFC 6962 / RFC 9162 Merkle tree: roots, inclusion and consistency proofs, and their
//! verification, exactly as the RFCs define them (so Go's sumdb/tlog and C2SP tools agree).
//!
//! Proof generation reads only complete subtree hashes ("nodes": level `l`, index `i`
//! covers leaves `[i·2^l, (i+1)·2^l)`) from a [`NodeSource`], which the store keeps on disk,
//! so a proof costs O(log n) reads. Hashes of the incomplete right edge are folded from
//! at most log n complete nodes.

use crate::encoding::Digest;
use crate::hash::{empty_root, node_hash};

/// Reads complete subtree hashes. `level` 0 is the leaf hashes.
pub trait NodeSource {
    type Error;
    fn node(&self, level: u8, index: u64) -> Result<Digest, Self::Error>;

    /// The hash of leaves `[start, end)` (not a single node) if a cache holds it: such
    /// hashes never change once the leaves exist. Sources without a cache say none.
    fn known_range(&self, _start: u64, _end: u64) -> Option<Digest> {
        None
    }

    /// Offers the hash of leaves `[start, end)` to the source's cache, if it has one.
    fn remember_range(&self, _start: u64, _end: u64, _hash: Digest) {}
}

/// Largest power of two strictly less than `n` (n ≥ 2).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The Merkle tree hash of leaves `[start, end)`, where `start` is aligned as the RFC's
/// recursion leaves it.
pub fn subtree_root<S: NodeSource>(src: &S, start: u64, end: u64) -> Result<Digest, S::Error> {
    let len = end - start;
    if len == 0 {
        return Ok(empty_root());
    }
    if len.is_power_of_two() && start.is_multiple_of(len) {
        let level = len.trailing_zeros() as u8;
        return src.node(level, start >> level);
    }
    let k = split_point(len);
    let left = subtree_root(src, start, start + k)?;
    let right = subtree_root(src, start + k, end)?;
    Ok(node_hash(&left, &right))
}

/// The root of the first `size` leaves.
pub fn root<S: NodeSource>(src: &S, size: u64) -> Result<Digest, S::Error> {
    subtree_root(src, 0, size)
}

/// RFC 9162 §2.1.3.1 inclusion proof (the audit path) for leaf `index` in a tree of `size`.
pub fn inclusion_proof<S: NodeSource>(
    src: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Digest>, S::Error> {
    inclusion_proof_memo(src, index, size, &mut PathMemo::default())
}

/// The subtree hashes that audit paths in one tree have needed, by leaf range. Leaves
/// that are close together share all but the lowest steps of their paths, and every
/// path to the same tree size shares the right edge, which is folded from up to
/// log n nodes; proving an item's entries together computes each of these once.
#[derive(Default)]
pub struct PathMemo {
    roots: rustc_hash::FxHashMap<(u64, u64), Digest>,
}

impl PathMemo {
    fn root<S: NodeSource>(&mut self, src: &S, start: u64, end: u64) -> Result<Digest, S::Error> {
        if let Some(d) = self.roots.get(&(start, end)) {
            return Ok(*d);
        }
        let len = end - start;
        let single_node = len.is_power_of_two() && start.is_multiple_of(len);
        let d = match src.known_range(start, end) {
            Some(d) if !single_node => d,
            _ => {
                let d = subtree_root(src, start, end)?;
                if !single_node {
                    src.remember_range(start, end, d);
                }
                d
            }
        };
        if self.roots.len() >= 4096 {
            self.roots.clear();
        }
        self.roots.insert((start, end), d);
        Ok(d)
    }
}

/// [`inclusion_proof`], reusing (and adding to) the subtree hashes in `memo`.
pub fn inclusion_proof_memo<S: NodeSource>(
    src: &S,
    index: u64,
    size: u64,
    memo: &mut PathMemo,
) -> Result<Vec<Digest>, S::Error> {
    assert!(index < size, "leaf {index} is not in a tree of size {size}");
    let mut path = Vec::new();
    let (mut start, mut end, m) = (0u64, size, index);
    // Walk down, collecting siblings top-first, then reverse to leaf-first order.
    while end - start > 1 {
        let k = split_point(end - start);
        if m < start + k {
            path.push(memo.root(src, start + k, end)?);
            end = start + k;
        } else {
            path.push(memo.root(src, start, start + k)?);
            start += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// RFC 9162 §2.1.4.1 consistency proof between tree sizes `first` and `second`.
pub fn consistency_proof<S: NodeSource>(
    src: &S,
    first: u64,
    second: u64,
) -> Result<Vec<Digest>, S::Error> {
    assert!(first <= second, "consistency from {first} to {second}");
    let mut proof = Vec::new();
    if first == 0 || first == second {
        return Ok(proof);
    }
    // SUBPROOF(m, D[start:end], b), iteratively; siblings collected top-first.
    let (mut start, mut end, mut m, mut complete) = (0u64, second, first, true);
    loop {
        let n = end - start;
        if m == n {
            if !complete {
                proof.push(subtree_root(src, start, end)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            proof.push(subtree_root(src, start + k, end)?);
            end = start + k;
        } else {
            proof.push(subtree_root(src, start, start + k)?);
            start += k;
            m -= k;
            complete = false;
        }
    }
    proof.reverse();
    Ok(proof)
}

/// Why a proof did not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("proof has the wrong number of hashes")]
    WrongLength,
    #[error("computed root does not match")]
    RootMismatch,
    #[error("tree sizes {first} and {second} are not in order")]
    SizesOutOfOrder { first: u64, second: u64 },
}

/// RFC 9162 §2.1.3.2: verifies an inclusion proof against `root`.
pub fn verify_inclusion(
    leaf: &Digest,
    index: u64,
    size: u64,
    proof: &[Digest],
    root: &Digest,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: verifies that the tree of `second` leaves extends the one of `first`.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Digest,
    second_root: &Digest,
    proof: &[Digest],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizesOutOfOrder { first, second });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if first == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(ProofError::WrongLength)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<Digest> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *first_root || sr != *second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// The right edge of a growing tree: the roots of its complete subtrees, largest first.
/// Appending a leaf yields the complete nodes it creates, for the store to keep.
#[derive(Clone, Debug, Default)]
pub struct Frontier {
    size: u64,
    stack: Vec<(u8, Digest)>,
}

impl Frontier {
    /// Rebuilds the frontier of a tree of `size` leaves from stored nodes.
    pub fn load<S: NodeSource>(src: &S, size: u64) -> Result<Frontier, S::Error> {
        let mut stack = Vec::new();
        let mut consumed = 0u64;
        for level in (0..64u8).rev() {
            if size & (1u64 << level) != 0 {
                stack.push((level, src.node(level, consumed >> level)?));
                consumed += 1u64 << level;
            }
        }
        Ok(Frontier { size, stack })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The complete subtrees it holds as nodes: (level, index, hash), largest first.
    pub fn roots(&self) -> impl Iterator<Item = (u8, u64, Digest)> + '_ {
        let mut consumed = 0u64;
        self.stack.iter().map(move |&(level, hash)| {
            let index = consumed >> level;
            consumed += 1u64 << level;
            (level, index, hash)
        })
    }

    /// Appends a leaf hash; calls `emit(level, index, hash)` for every new complete node,
    /// the leaf itself included.
    pub fn push(&mut self, leaf: Digest, mut emit: impl FnMut(u8, u64, Digest)) {
        let index = self.size;
        let (mut level, mut hash) = (0u8, leaf);
        emit(0, index, leaf);
        while let Some(&(top_level, top_hash)) = self.stack.last() {
            if top_level != level {
                break;
            }
            self.stack.pop();
            hash = node_hash(&top_hash, &hash);
            level += 1;
            emit(level, index >> level, hash);
        }
        self.stack.push((level, hash));
        self.size += 1;
    }

    /// The current root hash.
    pub fn root(&self) -> Digest {
        let mut iter = self.stack.iter().rev();
        match iter.next() {
            None => empty_root(),
            Some(&(_, last)) => iter.fold(last, |acc, (_, h)| node_hash(h, &acc)),
        }
    }
}

/// Complete nodes of a tree held in memory, level by level: for tests, exports and audits.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Digest>>,
    frontier: Frontier,
}

impl MemoryTree {
    pub fn push(&mut self, leaf: Digest) {
        let levels = &mut self.levels;
        self.frontier.push(leaf, |level, index, hash| {
            let level = level as usize;
            if levels.len() <= level {
                levels.push(Vec::new());
            }
            debug_assert_eq!(levels[level].len() as u64, index);
            levels[level].push(hash);
        });
    }
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }
    pub fn root(&self) -> Digest {
        self.frontier.root()
    }
    pub fn leaf(&self, index: u64) -> Option<Digest> {
        self.levels.first()?.get(index as usize).copied()
    }
}

/// Some nodes of a tree, by position. The nodes a group commit created plus the frontier
/// it started from are enough for the inclusion proof of every leaf it appended: each
/// left sibling on such a path is either new or a root of that frontier.
#[derive(Clone, Debug, Default)]
pub struct SparseNodes(std::collections::HashMap<(u8, u64), Digest>);

impl FromIterator<(u8, u64, Digest)> for SparseNodes {
    fn from_iter<I: IntoIterator<Item = (u8, u64, Digest)>>(iter: I) -> Self {
        SparseNodes(iter.into_iter().map(|(l, i, h)| ((l, i), h)).collect())
    }
}

impl NodeSource for SparseNodes {
    type Error = MissingNode;
    fn node(&self, level: u8, index: u64) -> Result<Digest, MissingNode> {
        self.0
            .get(&(level, index))
            .copied()
            .ok_or(MissingNode { level, index })
    }
}

/// A node missing from a source: the tree is smaller than asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingNode {
    pub level: u8,
    pub index: u64,
}

impl NodeSource for MemoryTree {
    type Error = MissingNode;
    fn node(&self, level: u8, index: u64) -> Result<Digest, MissingNode> {
        self.levels
            .get(level as usize)
            .and_then(|l| l.get(index as usize))
            .copied()
            .ok_or(MissingNode { level, index })
    }
}
