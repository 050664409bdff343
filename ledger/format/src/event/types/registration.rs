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
    /// The actor's customs registration codes (ebpCode, ebcCode, payCode, logisticsCode,
    /// agentCode: 10-character customs codes or 18-character credit codes), which the
    /// messages it sends must name (`register` only).
    #[serde(default)]
    pub customs_codes: Vec<String>,
}

code_list! {
    pub enum RegistrationAction {
        /// The first entry of a log: the registrar registers itself.
        Genesis,
        Register,
        AddKey,
        RotateKey,
        RevokeKey,
    }
}

impl EventBody for Registration {
    const SIGNERS: &'static [Role] = &[Role::Registrar];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        if !what.items.is_empty() || !what.inputs.is_empty() || what.quantity.is_some() {
            return Err(ValidationError::new(
                "what",
                "a registration names no items, inputs or quantity",
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
        if r.keys[..i].contains(k) {
            return Err(ValidationError::new(
                format!("body.keys[{i}]"),
                "key named twice",
            ));
        }
    }
    for (field, k) in [("body.key", &r.key), ("body.new_key", &r.new_key)] {
        if let Some(k) = k {
            PublicKey::parse(k).map_err(|e| ValidationError::new(field, e.to_string()))?;
        }
    }
    for (i, code) in r.customs_codes.iter().enumerate() {
        let field = format!("body.customs_codes[{i}]");
        if !(1..=18).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ValidationError::new(
                field,
                format!("{code:?} is not a customs code (1 to 18 ASCII letters and digits)"),
            ));
        }
        if r.customs_codes[..i].contains(code) {
            return Err(ValidationError::new(field, "code named twice"));
        }
    }
    need(
        r.customs_codes.is_empty() || matches!(r.action, Genesis | Register),
        "body.customs_codes",
        "customs codes are given when the actor is registered",
    )?;
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
            need(
                r.new_key != r.key,
                "body.new_key",
                "a rotation replaces a key with another one",
            )?;
        }
    }
    Ok(())
}
