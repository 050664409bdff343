//! The actor registry: who may sign, with which keys, in which roles, from when to when.
//!
//! It is derived state, replayed from `registration` entries in log order, by the ledger
//! at ingest and by the verifier during an audit, with the same code. Key validity is by
//! log position: a key added by entry `a` and revoked by entry `r` may sign entries `s`
//! with `a < s < r`. The log's order is its record-time order, so this is "valid at the
//! log's record time" without ties.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use suyuan_format::event::body::{Registration, RegistrationAction};
use suyuan_format::event::ValidationError;
use suyuan_format::keys::PublicKey;
use suyuan_format::roles::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub key: String,
    pub added_seq: u64,
    pub revoked_seq: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRecord {
    pub id: String,
    pub name: String,
    pub jurisdiction: String,
    pub roles: Vec<Role>,
    pub accreditation: Option<serde_json::Value>,
    pub registered_seq: u64,
    pub keys: Vec<KeyRecord>,
    /// Its customs registration codes (the `party` rule of 三单比对).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customs_codes: Vec<String>,
}

impl ActorRecord {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Why a key may not sign at a given position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyStatusError {
    #[error("actor {0} is not registered")]
    UnknownActor(String),
    #[error("key {key} is not registered to actor {actor}")]
    NotRegistered { actor: String, key: String },
    #[error("key {key} of actor {actor} was revoked by entry {revoked_seq}")]
    Revoked {
        actor: String,
        key: String,
        revoked_seq: u64,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Registry {
    actors: HashMap<String, ActorRecord>,
    /// Every key ever registered → its actor (a key is never reused).
    key_owner: HashMap<[u8; 32], String>,
}

impl Registry {
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    pub fn actor(&self, id: &str) -> Option<&ActorRecord> {
        self.actors.get(id)
    }

    pub fn actors(&self) -> impl Iterator<Item = &ActorRecord> {
        self.actors.values()
    }

    /// Loads one record (store open).
    pub fn insert_record(&mut self, record: ActorRecord) {
        for k in &record.keys {
            if let Ok(key) = PublicKey::parse(&k.key) {
                self.key_owner.insert(key.bytes(), record.id.clone());
            }
        }
        self.actors.insert(record.id.clone(), record);
    }

    /// Checks that `key` may sign for `actor` at log position `seq`.
    pub fn check_key(
        &self,
        actor: &str,
        key: &PublicKey,
        seq: u64,
    ) -> Result<&ActorRecord, KeyStatusError> {
        let record = self
            .actors
            .get(actor)
            .ok_or_else(|| KeyStatusError::UnknownActor(actor.into()))?;
        let key_text = key.to_string();
        let not_registered = || KeyStatusError::NotRegistered {
            actor: actor.into(),
            key: key_text.clone(),
        };
        let k = record
            .keys
            .iter()
            .find(|k| k.key == key_text)
            .ok_or_else(not_registered)?;
        if k.added_seq >= seq {
            return Err(not_registered());
        }
        if let Some(r) = k.revoked_seq {
            if r < seq {
                return Err(KeyStatusError::Revoked {
                    actor: actor.into(),
                    key: key_text,
                    revoked_seq: r,
                });
            }
        }
        Ok(record)
    }

    /// Checks a registration against the current state without changing it.
    pub fn check(&self, r: &Registration, seq: u64) -> Result<(), ValidationError> {
        self.clone().apply(r, seq).map(|_| ())
    }

    /// Applies a validated registration entry at `seq`; returns the changed actor id.
    pub fn apply(&mut self, r: &Registration, seq: u64) -> Result<String, ValidationError> {
        use RegistrationAction::*;
        let subject = r.subject.0.clone();
        let fresh_key =
            |reg: &Registry, field: &str, k: &str| -> Result<PublicKey, ValidationError> {
                let key =
                    PublicKey::parse(k).map_err(|e| ValidationError::new(field, e.to_string()))?;
                if let Some(owner) = reg.key_owner.get(&key.bytes()) {
                    return Err(ValidationError::new(
                        field,
                        format!("key {k} is already registered to {owner}; keys are never reused"),
                    ));
                }
                Ok(key)
            };
        match r.action {
            Genesis | Register => {
                if r.action == Genesis && !(seq == 0 && self.actors.is_empty()) {
                    return Err(ValidationError::new(
                        "body.action",
                        "genesis is only the first entry of a log",
                    ));
                }
                if r.action == Register && self.actors.is_empty() {
                    return Err(ValidationError::new(
                        "body.action",
                        "the first entry of a log must be its genesis",
                    ));
                }
                if self.actors.contains_key(&subject) {
                    return Err(ValidationError::new(
                        "body.subject",
                        format!("actor {subject} is already registered"),
                    ));
                }
                let mut keys = Vec::new();
                for (i, k) in r.keys.iter().enumerate() {
                    let key = fresh_key(self, &format!("body.keys[{i}]"), k)?;
                    if keys.iter().any(|x: &KeyRecord| x.key == key.to_string()) {
                        return Err(ValidationError::new(
                            format!("body.keys[{i}]"),
                            "key listed twice",
                        ));
                    }
                    keys.push(KeyRecord {
                        key: key.to_string(),
                        added_seq: seq,
                        revoked_seq: None,
                    });
                }
                let mut roles = r.roles.clone();
                roles.sort();
                roles.dedup();
                let record = ActorRecord {
                    id: subject.clone(),
                    name: r
                        .name
                        .as_ref()
                        .map(|n| n.as_str().to_string())
                        .unwrap_or_default(),
                    jurisdiction: r.jurisdiction.clone().map(String::from).unwrap_or_default(),
                    roles,
                    accreditation: r.accreditation.as_ref().map(|a| {
                        serde_json::json!({"body": a.body.as_str(), "number": a.number.as_str(),
                            "scope": a.scope.as_ref().map(|s| s.as_str())})
                    }),
                    registered_seq: seq,
                    keys,
                    customs_codes: r.customs_codes.clone(),
                };
                self.insert_record(record);
            }
            AddKey | RotateKey | RevokeKey => {
                if !self.actors.contains_key(&subject) {
                    return Err(ValidationError::new(
                        "body.subject",
                        format!("actor {subject} is not registered"),
                    ));
                }
                let named = r.key.as_deref().unwrap_or_default();
                let new_key = match r.action {
                    AddKey => Some(fresh_key(self, "body.key", named)?),
                    RotateKey => Some(fresh_key(
                        self,
                        "body.new_key",
                        r.new_key.as_deref().unwrap_or_default(),
                    )?),
                    _ => None,
                };
                let record = self.actors.get_mut(&subject).expect("checked above");
                if matches!(r.action, RotateKey | RevokeKey) {
                    let active = record
                        .keys
                        .iter()
                        .filter(|k| k.revoked_seq.is_none())
                        .count();
                    let k = record
                        .keys
                        .iter_mut()
                        .find(|k| k.key == named && k.revoked_seq.is_none())
                        .ok_or_else(|| {
                            ValidationError::new(
                                "body.key",
                                format!("{named} is not an active key of {subject}"),
                            )
                        })?;
                    if r.action == RevokeKey && active == 1 {
                        return Err(ValidationError::new(
                            "body.key",
                            format!(
                                "{named} is the last active key of {subject}; rotate it instead"
                            ),
                        ));
                    }
                    k.revoked_seq = Some(seq);
                }
                if let Some(key) = new_key {
                    record.keys.push(KeyRecord {
                        key: key.to_string(),
                        added_seq: seq,
                        revoked_seq: None,
                    });
                    self.key_owner.insert(key.bytes(), subject.clone());
                }
            }
        }
        Ok(subject)
    }
}
