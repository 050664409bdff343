//! The project's JCS, Ed25519 and BLAKE3 against outside authorities: RFC 8785's
//! canonicalization vectors, every Wycheproof Ed25519 case, RFC 8032's Ed25519 vectors and
//! BLAKE3's official vectors (all copied into fixtures/vectors with attribution).

use serde_json::Value;
use std::path::PathBuf;
use suyuan_format::jcs::canonicalize_bytes;
use suyuan_format::keys::{verify_each, PublicKey, SecretKey, SignatureCheck};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/vectors")
}

fn read_json(path: &str) -> Value {
    serde_json::from_slice(&std::fs::read(vectors().join(path)).expect("vector file"))
        .expect("JSON")
}

#[test]
fn rfc8785_canonicalization_vectors() {
    let dir = vectors().join("jcs");
    let mut n = 0;
    for entry in std::fs::read_dir(dir.join("input")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let input = std::fs::read(&path).unwrap();
        let expected = std::fs::read(dir.join("output").join(&name)).unwrap();
        let got = canonicalize_bytes(&input).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "canonical form of {name:?}"
        );
        n += 1;
    }
    assert_eq!(n, 6, "all six RFC 8785 vector files were checked");
}

#[test]
fn every_wycheproof_ed25519_case() {
    let doc = read_json("wycheproof/ed25519_test.json");
    let mut checked = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        let pk = hex::decode(group["publicKey"]["pk"].as_str().unwrap()).unwrap();
        for case in group["tests"].as_array().unwrap() {
            let msg = hex::decode(case["msg"].as_str().unwrap()).unwrap();
            let sig = hex::decode(case["sig"].as_str().unwrap()).unwrap();
            let expected_valid = match case["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("unexpected result {other}"),
            };
            let key = <[u8; 32]>::try_from(pk.as_slice())
                .ok()
                .and_then(|b| PublicKey::from_bytes(&b).ok());
            let sig64 = <[u8; 64]>::try_from(sig.as_slice()).ok();
            let single = match (&key, &sig64) {
                (Some(k), Some(s)) => k.verify(b"", &msg, s).is_ok(),
                _ => false,
            };
            assert_eq!(
                single, expected_valid,
                "tcId {} ({}) single verification",
                case["tcId"], case["comment"]
            );
            // The batch path must agree for keys that could ever be registered.
            if let (Some(k), Some(s)) = (&key, &sig64) {
                if PublicKey::parse(&k.to_string()).is_ok() {
                    let check = SignatureCheck {
                        key: k,
                        message: &msg,
                        signature: s,
                    };
                    // Eight at once, so that batch verification runs (not the
                    // single checks it leaves to small groups).
                    let batch = verify_each(b"", &[check; 8]);
                    assert_eq!(
                        batch,
                        vec![expected_valid; 8],
                        "tcId {} batch verification",
                        case["tcId"]
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, doc["numberOfTests"].as_u64().unwrap());
}

#[test]
fn rfc8032_ed25519_vectors() {
    let doc = read_json("rfc8032/ed25519.json");
    for t in doc["tests"].as_array().unwrap() {
        let h = |k: &str| hex::decode(t[k].as_str().unwrap()).unwrap();
        let key = SecretKey::from_seed(&h("secret").try_into().unwrap());
        assert_eq!(
            key.public().bytes().to_vec(),
            h("public"),
            "{} public key",
            t["name"]
        );
        let sig = key.sign_raw(&h("message"));
        assert_eq!(sig.to_vec(), h("signature"), "{} signature", t["name"]);
        assert!(key.public().verify(b"", &h("message"), &sig).is_ok());
    }
}

#[test]
fn blake3_official_vectors() {
    let doc = read_json("blake3/test_vectors.json");
    let key: [u8; 32] = doc["key"].as_str().unwrap().as_bytes().try_into().unwrap();
    let context = doc["context_string"].as_str().unwrap();
    for case in doc["cases"].as_array().unwrap() {
        let len = case["input_len"].as_u64().unwrap() as usize;
        let input: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let first32 = |k: &str| case[k].as_str().unwrap()[..64].to_string();
        assert_eq!(
            suyuan_format::hash::content_hash(&input).to_hex(),
            first32("hash"),
            "hash of {len} bytes"
        );
        let mut xof = vec![0u8; case["hash"].as_str().unwrap().len() / 2];
        blake3::Hasher::new()
            .update(&input)
            .finalize_xof()
            .fill(&mut xof);
        assert_eq!(
            hex::encode(&xof),
            case["hash"].as_str().unwrap(),
            "extended hash of {len} bytes"
        );
        assert_eq!(
            hex::encode(blake3::keyed_hash(&key, &input).as_bytes()),
            first32("keyed_hash")
        );
        assert_eq!(
            hex::encode(blake3::derive_key(context, &input)),
            first32("derive_key")
        );
    }
}
