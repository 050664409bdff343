//! `registration`: the registry's entries. The registrar registers actors and adds,
//! rotates or revokes their keys; the genesis entry is the registrar registering itself.

use super::prelude::*;

/// `registration`: the registrar adds an actor, or adds, rotates or revokes its keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub action: RegistrationAction,
    /// The actor registered or changed.
    pub subject: ActorId,
    pub name: Option<Text>,
    pub jurisdiction: Option<Country>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub keys: Vec<String>,
    /// The key added or revoked (`add_key`, `revoke_key`), or the old key (`rotate_key`).
    pub key: Option<String>,
    /// The replacement key (`rotate_key`).
    pub new_key: Option<String>,
    pub accreditation: Option<Accreditation>,
    pub reason: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationAction {
    /// The first entry of a log: the registrar registers itself.
    Genesis,
    Register,
    AddKey,
    RotateKey,
    RevokeKey,
}

impl EventBody for Registration {
    const TYPE: EventType = EventType::Registration;
    const SIGNERS: &'static [Role] = &[Role::Registrar];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        if !what.items.is_empty() || !what.inputs.is_empty() {
            return Err(ValidationError::new(
                "what",
                "a registration names no items",
            ));
        }
        check_registration(self)
    }

    /// A registration joins the chain of the actor it changes.
    fn chains(&self) -> Vec<String> {
        vec![actor_chain_key(&self.subject.0)]
    }
}

fn check_registration(r: &Registration) -> Result<(), ValidationError> {
    use RegistrationAction::*;
    let need = |cond: bool, field: &str, msg: &str| {
        if cond {
            Ok(())
        } else {
            Err(ValidationError::new(field, msg))
        }
    };
    for (i, k) in r.keys.iter().enumerate() {
        PublicKey::parse(k)
            .map_err(|e| ValidationError::new(format!("body.keys[{i}]"), e.to_string()))?;
    }
    for (field, k) in [("body.key", &r.key), ("body.new_key", &r.new_key)] {
        if let Some(k) = k {
            PublicKey::parse(k).map_err(|e| ValidationError::new(field, e.to_string()))?;
        }
    }
    match r.action {
        Genesis | Register => {
            need(
                r.name.is_some(),
                "body.name",
                "a registration names the actor",
            )?;
            need(
                r.jurisdiction.is_some(),
                "body.jurisdiction",
                "a registration gives the actor's jurisdiction",
            )?;
            need(
                !r.roles.is_empty(),
                "body.roles",
                "a registration grants at least one role",
            )?;
            need(
                !r.keys.is_empty(),
                "body.keys",
                "a registration gives at least one key",
            )?;
            if r.action == Genesis {
                need(
                    r.roles.contains(&Role::Registrar),
                    "body.roles",
                    "the genesis entry registers the registrar",
                )?;
            }
        }
        AddKey | RevokeKey => need(
            r.key.is_some(),
            "body.key",
            "names the key added or revoked",
        )?,
        RotateKey => {
            need(r.key.is_some(), "body.key", "names the key rotated out")?;
            need(
                r.new_key.is_some(),
                "body.new_key",
                "names the key rotated in",
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const SUBJECT: &str = "TW-UBN:80412335";

    /// The registrar registers a tea growers' group (fixtures/scenario).
    fn register() -> Value {
        json!({"type": "registration", "client_id": "registry:register:zhangshuhu",
            "actor": "CN-USCC:12350128MB0Q47K29P", "key": key(), "time": "2026-03-02T09:00:00+08:00",
            "where": {"country": "CN", "place": "平潭综合实验区", "gln": "6971208000014"},
            "body": {"action": "register", "subject": SUBJECT, "name": "樟樹湖茶葉產銷班 Zhangshuhu Tea Growers' Group",
                "jurisdiction": "TW", "roles": ["producer"], "keys": [key()]}})
    }

    /// A key change of the subject: `action` with these body members.
    fn key_change(action: &str, body: Value) -> Value {
        let mut e = register();
        e["body"] = json!({"action": action, "subject": SUBJECT});
        for (k, v) in body.as_object().unwrap() {
            e["body"][k] = v.clone();
        }
        e
    }

    #[test]
    fn a_registration_parses_and_joins_its_subjects_chain() {
        let e = parse(&register());
        assert_eq!(e.kind, EventType::Registration);
        assert!(!e.is_genesis());
        assert_eq!(e.chain_keys(), vec![format!("actor:{SUBJECT}")]);
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        assert!(e.references().is_empty());
    }

    #[test]
    fn genesis_registers_a_registrar() {
        let mut e = register();
        e["body"]["action"] = "genesis".into();
        e["body"]["roles"] = json!(["registrar"]);
        assert!(parse(&e).is_genesis());
        e["body"]["roles"] = json!(["producer"]);
        refused(&e, "body.roles", "genesis entry registers the registrar");
    }

    #[test]
    fn a_registration_names_no_items() {
        let mut e = register();
        e["what"] = json!({"items": ["01/04716283000113/10/ZSH2604Q18"]});
        refused(&e, "what", "names no items");
        e["what"] = json!({"inputs": ["01/04716283000113/10/ZSH2604Q18"]});
        refused(&e, "what", "names no items");
    }

    #[test]
    fn a_register_gives_name_jurisdiction_roles_and_keys() {
        for (field, why) in [
            ("name", "names the actor"),
            ("jurisdiction", "jurisdiction"),
        ] {
            let mut e = register();
            e["body"].as_object_mut().unwrap().remove(field);
            refused(&e, &format!("body.{field}"), why);
        }
        for field in ["roles", "keys"] {
            let mut e = register();
            e["body"][field] = json!([]);
            refused(&e, &format!("body.{field}"), "at least one");
        }
    }

    #[test]
    fn every_key_named_is_a_public_key() {
        let mut e = register();
        e["body"]["keys"] = json!([key(), "ed25519:nope"]);
        refused(&e, "body.keys[1]", "");
        let e = key_change("add_key", json!({"key": "nope"}));
        refused(&e, "body.key", "");
        let e = key_change("rotate_key", json!({"key": key(), "new_key": "nope"}));
        refused(&e, "body.new_key", "");
    }

    #[test]
    fn key_changes_name_their_keys() {
        for action in ["add_key", "revoke_key"] {
            let e = parse(&key_change(action, json!({"key": key()})));
            assert_eq!(e.chain_keys(), vec![format!("actor:{SUBJECT}")]);
            refused(
                &key_change(action, json!({})),
                "body.key",
                "added or revoked",
            );
        }
        let both = json!({"key": key(), "new_key": key()});
        parse(&key_change("rotate_key", both));
        let e = key_change("rotate_key", json!({"new_key": key()}));
        refused(&e, "body.key", "rotated out");
        let e = key_change("rotate_key", json!({"key": key()}));
        refused(&e, "body.new_key", "rotated in");
    }
}
