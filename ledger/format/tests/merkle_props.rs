//! The Merkle math against a second, naive implementation written straight from RFC 6962
//! §2.1 (recursive MTH, PATH and SUBPROOF over a list of leaves): roots, inclusion and
//! consistency proofs agree for every size and pair of sizes up to a bound, proofs verify,
//! and any altered hash, index or size makes them fail.

use proptest::prelude::*;
use suyuan_format::encoding::Digest;
use suyuan_format::hash::{empty_root, leaf_hash, node_hash};
use suyuan_format::merkle::{
    consistency_proof, inclusion_proof, inclusion_proof_memo, root, verify_consistency,
    verify_inclusion, MemoryTree, PathMemo,
};

/// RFC 6962 MTH over leaf hashes.
fn mth(leaves: &[Digest]) -> Digest {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = largest_pow2_below(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

fn largest_pow2_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 6962 PATH(m, D[n]).
fn path(m: usize, leaves: &[Digest]) -> Vec<Digest> {
    let n = leaves.len();
    if n <= 1 {
        return vec![];
    }
    let k = largest_pow2_below(n);
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// RFC 6962 SUBPROOF(m, D[n], b).
fn subproof(m: usize, leaves: &[Digest], b: bool) -> Vec<Digest> {
    let n = leaves.len();
    if m == n {
        return if b { vec![] } else { vec![mth(leaves)] };
    }
    let k = largest_pow2_below(n);
    if m <= k {
        let mut p = subproof(m, &leaves[..k], b);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = subproof(m - k, &leaves[k..], false);
        p.push(mth(&leaves[..k]));
        p
    }
}

fn path_len(m: usize, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let k = largest_pow2_below(n);
    1 + if m < k {
        path_len(m, k)
    } else {
        path_len(m - k, n - k)
    }
}

fn subproof_len(m: usize, n: usize) -> usize {
    fn go(m: usize, n: usize, b: bool) -> usize {
        if m == n {
            return usize::from(!b);
        }
        let k = largest_pow2_below(n);
        1 + if m <= k {
            go(m, k, b)
        } else {
            go(m - k, n - k, false)
        }
    }
    go(m, n, true)
}

fn leaves(n: usize) -> Vec<Digest> {
    (0..n)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

fn tree(leaves: &[Digest]) -> MemoryTree {
    let mut t = MemoryTree::default();
    for l in leaves {
        t.push(*l);
    }
    t
}

fn flip(d: &Digest) -> Digest {
    let mut x = *d;
    x.0[7] ^= 0x40;
    x
}

#[test]
fn exhaustive_small_trees() {
    const N: usize = 70;
    let all = leaves(N);
    let t = tree(&all);
    for n in 0..=N {
        let r = mth(&all[..n]);
        assert_eq!(root(&t, n as u64).unwrap(), r, "root of size {n}");
        for m in 0..n {
            let p = inclusion_proof(&t, m as u64, n as u64).unwrap();
            assert_eq!(p, path(m, &all[..n]), "PATH({m}, {n})");
            verify_inclusion(&all[m], m as u64, n as u64, &p, &r).unwrap();
        }
        for m in 1..n {
            let p = consistency_proof(&t, m as u64, n as u64).unwrap();
            assert_eq!(p, subproof(m, &all[..n], true), "PROOF({m}, {n})");
            verify_consistency(m as u64, n as u64, &mth(&all[..m]), &r, &p).unwrap();
        }
    }
}

#[test]
fn incremental_root_matches_naive_up_to_a_few_thousand() {
    let all = leaves(3000);
    let mut t = MemoryTree::default();
    for (i, l) in all.iter().enumerate() {
        t.push(*l);
        if i % 97 == 0 || (i + 1).is_power_of_two() {
            assert_eq!(t.root(), mth(&all[..=i]), "root after {} leaves", i + 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn inclusion_proofs_verify_and_reject_tampering(n in 1usize..4096, seed in any::<u64>(), which in 0usize..64) {
        let all = leaves(n);
        let t = tree(&all);
        let m = (seed % n as u64) as usize;
        let r = mth(&all);
        let p = inclusion_proof(&t, m as u64, n as u64).unwrap();
        prop_assert_eq!(&p, &path(m, &all));
        prop_assert!(verify_inclusion(&all[m], m as u64, n as u64, &p, &r).is_ok());
        // Altered leaf, root, proof hash, index or size: refused.
        prop_assert!(verify_inclusion(&flip(&all[m]), m as u64, n as u64, &p, &r).is_err());
        prop_assert!(verify_inclusion(&all[m], m as u64, n as u64, &p, &flip(&r)).is_err());
        if !p.is_empty() {
            let mut bad = p.clone();
            let i = which % bad.len();
            bad[i] = flip(&bad[i]);
            prop_assert!(verify_inclusion(&all[m], m as u64, n as u64, &bad, &r).is_err());
            let mut short = p.clone();
            short.pop();
            prop_assert!(verify_inclusion(&all[m], m as u64, n as u64, &short, &r).is_err());
        }
        let mut long = p.clone();
        long.push(r);
        prop_assert!(verify_inclusion(&all[m], m as u64, n as u64, &long, &r).is_err());
        if n > 1 {
            let other = (m + 1 + which % (n - 1)) % n; // never m itself
            prop_assert!(verify_inclusion(&all[m], other as u64, n as u64, &p, &r).is_err());
        }
        // A proof binds the size only through its shape (the checkpoint signs size and
        // root together): any size whose audit path has another length is refused.
        let other_size = n + 1 + which * 7;
        if path_len(m, other_size) != p.len() {
            prop_assert!(verify_inclusion(&all[m], m as u64, other_size as u64, &p, &r).is_err());
        }
        prop_assert!(verify_inclusion(&all[m], n as u64, n as u64, &p, &r).is_err());
    }

    /// Proofs drawn through one shared memo (as the server proves an item's entries, and
    /// mixing tree sizes, as a snapshot may) equal the RFC's paths.
    #[test]
    fn memoised_proofs_equal_the_rfc_paths(n in 1usize..2048, picks in proptest::collection::vec((any::<u64>(), any::<u64>()), 1..40)) {
        let all = leaves(n);
        let t = tree(&all);
        let mut memo = PathMemo::default();
        for (a, b) in picks {
            let size = 1 + (a % n as u64) as usize;
            let m = (b % size as u64) as usize;
            let p = inclusion_proof_memo(&t, m as u64, size as u64, &mut memo).unwrap();
            prop_assert_eq!(&p, &path(m, &all[..size]));
        }
    }

    #[test]
    fn consistency_proofs_verify_and_reject_tampering(n in 2usize..4096, seed in any::<u64>(), which in 0usize..64) {
        let all = leaves(n);
        let t = tree(&all);
        let m = 1 + (seed % (n as u64 - 1)) as usize;
        let (r1, r2) = (mth(&all[..m]), mth(&all));
        let p = consistency_proof(&t, m as u64, n as u64).unwrap();
        prop_assert_eq!(&p, &subproof(m, &all, true));
        prop_assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &p).is_ok());
        prop_assert!(verify_consistency(m as u64, n as u64, &flip(&r1), &r2, &p).is_err());
        prop_assert!(verify_consistency(m as u64, n as u64, &r1, &flip(&r2), &p).is_err());
        let mut bad = p.clone();
        let i = which % bad.len();
        bad[i] = flip(&bad[i]);
        prop_assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &bad).is_err());
        let mut short = p.clone();
        short.pop();
        prop_assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &short).is_err());
        if m + 1 < n {
            prop_assert!(verify_consistency(m as u64 + 1, n as u64, &r1, &r2, &p).is_err());
        }
        let other_size = n + 1 + which * 7;
        if subproof_len(m, other_size) != p.len() {
            prop_assert!(verify_consistency(m as u64, other_size as u64, &r1, &r2, &p).is_err());
        }
        prop_assert!(verify_consistency(n as u64, m as u64, &r2, &r1, &p).is_err());
    }
}
