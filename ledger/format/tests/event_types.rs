//! Each event type's own rules, through the public parse path: a valid, fixture-shaped
//! event of the type parses; each rule of its `validate` is refused naming the field;
//! and the documents it names and defines, what it references and the chains it joins
//! are what its module (`src/event/types/`) says.

mod testing {
    pub use serde_json::{json, Value};
    pub use suyuan_format::event::{DocKind, Event, EventType, Reference, ValidationError};

    /// A public key, as events write it.
    pub fn key() -> String {
        suyuan_format::keys::SecretKey::from_seed(&[1; 32])
            .public()
            .to_string()
    }

    /// Parses `event` through the public path, or panics with why not.
    pub fn parse(event: &Value) -> Event {
        match Event::parse_json(&event.to_string()) {
            Ok((parsed, _)) => parsed,
            Err(e) => panic!("refused: {e}\n{event:#}"),
        }
    }

    /// Asserts that `event` is refused on `field`, with a message containing `why`.
    #[track_caller]
    pub fn refused(event: &Value, field: &str, why: &str) {
        let err: ValidationError = match Event::parse_json(&event.to_string()) {
            Ok(_) => panic!("accepted, expected refusal on {field}:\n{event:#}"),
            Err(e) => e,
        };
        assert_eq!(err.field, field, "{err}");
        assert!(err.message.contains(why), "{err} (expected {why:?})");
    }

    /// A digest in hex: `n` repeated.
    pub fn hex(n: char) -> String {
        n.to_string().repeat(64)
    }
}

mod event_type {
    use suyuan_format::event::EventType;

    #[test]
    fn every_type_has_signers_and_spells_itself_as_serde_does() {
        assert_eq!(EventType::ALL.len(), 13);
        for &t in EventType::ALL {
            assert!(!t.allowed_roles().is_empty(), "{t:?} has no signers");
            let spelled = serde_json::to_value(t).unwrap();
            assert_eq!(spelled, t.as_str(), "{t:?}");
            assert_eq!(serde_json::from_value::<EventType>(spelled).unwrap(), t);
        }
        let mut names: Vec<_> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len());
    }
}

mod acceptance {
    use super::testing::*;
    use suyuan_format::encoding::Digest;

    /// In chain-key order.
    const ITEMS: [&str; 2] = [
        "01/04719865001034/10/AL2604Q1",
        "01/04719865001270/10/AL2604Q1",
    ];

    /// Customs recognizes a Taiwan lab's report (fixtures/scenario).
    fn accepted() -> Value {
        json!({"type": "acceptance", "client_id": "pingtan_customs:accept:AL2604Q1:Q",
            "actor": "CN-USCC:113501280K3762N507", "key": key(), "time": "2026-05-14T10:00:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "CN", "place": "平潭海关", "gln": "6971208000328"},
            "why": {"biz_step": "inspecting", "disposition": "conformant"},
            "body": {"inspection": hex('a'), "decision": "accepted", "basis": "TAF (ILAC MRA) 采信试点"}})
    }

    #[test]
    fn an_acceptance_parses_and_needs_its_inspection() {
        let e = parse(&accepted());
        assert_eq!(e.kind, EventType::Acceptance);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        let inspection = Reference::Entry {
            field: "body.inspection".into(),
            hash: Digest::from_hex(&hex('a')).unwrap(),
            kind: Some(EventType::Inspection),
        };
        assert_eq!(e.references(), vec![inspection]);
    }

    #[test]
    fn an_acceptance_names_items_and_an_entry_hash() {
        let mut e = accepted();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = accepted();
        e["body"]["inspection"] = hex('A').into();
        refused(&e, "body.inspection", "lowercase hex");
    }
}

mod clearance {
    use super::testing::*;

    /// In chain-key order.
    const ITEMS: [&str; 3] = [
        "00/047188222605000007",
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// A retail import declared under its order, payment and waybill (fixtures/scenario).
    fn declared() -> Value {
        json!({"type": "clearance", "client_id": "pingtan_customs:declared:35112026I000010451",
            "actor": "CN-USCC:113501280K3762N507", "key": key(), "time": "2026-05-22T08:30:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "CN", "place": "平潭海关", "gln": "6971208000328"},
            "why": {"biz_step": "holding", "disposition": "sellable_not_accessible"},
            "body": {"declaration_no": "35112026I000010451", "customs_office": "3511 平潭海关 Pingtan Customs",
                "direction": "import", "trade_mode": "9610", "hs_code": "0902301000", "status": "declared",
                "order_no": "LD202605180001", "payment_no": "SP20260518037001", "waybill_no": "SE26052200000",
                "note": "三单已推送"}})
    }

    #[test]
    fn a_clearance_parses_defines_its_declaration_and_needs_the_three_documents() {
        let e = parse(&declared());
        assert_eq!(e.kind, EventType::Clearance);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        let declaration = (DocKind::Declaration, "35112026I000010451".to_string());
        let named = [
            (DocKind::Order, "LD202605180001"),
            (DocKind::Payment, "SP20260518037001"),
            (DocKind::Waybill, "SE26052200000"),
        ];
        let mut documents = vec![declaration.clone()];
        documents.extend(named.map(|(kind, n)| (kind, n.to_string())));
        assert_eq!(e.documents(), documents);
        assert_eq!(e.defines(), Some(declaration));
        let needed = named.map(|(kind, n)| Reference::Document {
            field: format!("body.{}_no", kind.as_str()),
            kind,
            number: n.into(),
        });
        assert_eq!(e.references(), needed);
    }

    #[test]
    fn a_clearance_names_items() {
        let mut e = declared();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        e.as_object_mut().unwrap().remove("what");
        refused(&e, "what.items", "at least one item");
    }
}

mod correction {
    use super::testing::*;
    use suyuan_format::encoding::Digest;

    /// A carrier declares its transit entry in error and names the replacement
    /// (fixtures/scenario).
    fn correction() -> Value {
        json!({"type": "correction", "client_id": "straits_express:correct:SEM-TXG-PTN-260626:0",
            "actor": "TW-UBN:70384520", "key": key(), "time": "2026-06-26T12:05:00+08:00",
            "where": {"country": "TW", "place": "臺中港 客運及滾裝碼頭", "gln": "4715531000110"},
            "body": {"corrects": hex('1'), "reason": "incorrect_data", "corrective": [hex('2'), hex('3')],
                "explanation": "18.5 °C was sent as 81.5 °C"}})
    }

    #[test]
    fn a_correction_parses_and_needs_the_entries_it_names() {
        let e = parse(&correction());
        assert_eq!(e.kind, EventType::Correction);
        assert!(
            e.chain_keys().is_empty(),
            "the core adds the corrected entry's chains"
        );
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        let entry = |field: &str, n| Reference::Entry {
            field: field.into(),
            hash: Digest::from_hex(&hex(n)).unwrap(),
            kind: None,
        };
        let needed = vec![
            entry("body.corrects", '1'),
            entry("body.corrective[0]", '2'),
            entry("body.corrective[1]", '3'),
        ];
        assert_eq!(e.references(), needed);

        let mut e = correction();
        e["body"] = json!({"corrects": hex('1'), "reason": "did_not_occur"});
        assert_eq!(parse(&e).references(), vec![entry("body.corrects", '1')]);
    }

    #[test]
    fn a_correction_names_no_items_inputs_or_quantity() {
        for what in [
            json!({"items": ["01/04719865001270/10/AL2604Q1"]}),
            json!({"inputs": ["01/04716283000113/10/ZSH2604Q18"]}),
            json!({"quantity": {"value": "1", "uom": "H87"}}),
        ] {
            let mut e = correction();
            e["what"] = what;
            refused(&e, "what", "takes its chains from the entry it corrects");
        }
    }

    #[test]
    fn an_entry_does_not_correct_itself() {
        let mut e = correction();
        e["body"]["corrective"] = json!([hex('2'), hex('1')]);
        refused(&e, "body.corrective", "cannot correct itself");
    }
}

mod inspection {
    use super::testing::*;

    /// In chain-key order.
    const ITEMS: [&str; 2] = [
        "01/04719865001034/10/AL2604Q1",
        "01/04719865001270/10/AL2604Q1",
    ];

    /// A lab's pesticide-residue report on two lots (fixtures/scenario).
    fn report() -> Value {
        json!({"type": "inspection", "client_id": "ctfl:report:CTFL-R26-05-0417",
            "actor": "TW-UBN:91265845", "key": key(), "time": "2026-05-11T16:30:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "TW", "place": "臺中市西屯區", "gln": "4712740000047"},
            "why": {"biz_step": "inspecting", "disposition": "conformant"},
            "body": {"lab": "中臺灣食品農產檢驗所", "standard": "GB 2763-2021",
                "sample": "CTFL-S26-05-0417", "report_no": "CTFL-R26-05-0417", "report_hash": hex('2'),
                "results": [
                    {"analyte": "chlorpyrifos", "value": "0.01", "unit": "mg/kg", "limit": "2", "below_loq": true},
                    {"analyte": "imidacloprid", "value": "0.03", "unit": "mg/kg", "limit": "0.5"}],
                "verdict": "pass",
                "accreditation": {"body": "TAF", "number": "TAF-3127", "scope": "ISO/IEC 17025:2017"}}})
    }

    #[test]
    fn an_inspection_parses_and_joins_its_items_chains() {
        let e = parse(&report());
        assert_eq!(e.kind, EventType::Inspection);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        assert!(e.references().is_empty());
    }

    #[test]
    fn an_inspection_names_items_and_results() {
        let mut e = report();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = report();
        e["body"]["results"] = json!([]);
        refused(&e, "body.results", "at least one result");
    }

    #[test]
    fn values_are_not_negative_and_compare_with_their_limit() {
        let mut e = report();
        e["body"]["results"][1]["value"] = "-0.03".into();
        refused(&e, "body.results[1].value", "negative");
        let mut e = report();
        e["body"]["results"][1]["value"] = "100000000000000000000000000000".into();
        e["body"]["results"][1]["limit"] = "0.1234567890123456789012345678".into();
        refused(&e, "body.results[1]", "cannot be compared");
    }

    #[test]
    fn a_pass_has_no_result_above_its_limit() {
        let mut e = report();
        e["body"]["results"][1]["value"] = "0.51".into();
        refused(&e, "body.verdict", "results[1] exceeds its limit");
        e["body"]["verdict"] = "fail".into();
        parse(&e);
        // At the limit passes, and so does a limit of quantification above it.
        let mut e = report();
        e["body"]["results"][1]["value"] = "0.50".into();
        parse(&e);
        e["body"]["results"][0]["value"] = "3".into();
        parse(&e);
    }
}

mod logistics {
    use super::testing::*;

    const PARENT: &str = "00/047188222605000007";
    const ITEMS: [&str; 2] = [
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// Two tins packed into a parcel (fixtures/scenario).
    fn packed() -> Value {
        json!({"type": "logistics", "client_id": "tclc:pack:SE26052200000",
            "actor": "TW-UBN:24536806", "key": key(), "time": "2026-05-21T14:00:00+08:00",
            "what": {"parent": PARENT, "items": ITEMS},
            "where": {"country": "TW", "place": "臺中港 兩岸物流中心", "gln": "4718822000011"},
            "why": {"biz_step": "packing", "disposition": "container_closed"},
            "body": {"waybill_no": "SE26052200000", "order_no": "LD202605180001", "status": "packed",
                "location": "揀貨包裝區 B"}})
    }

    /// The parcel in transit, by sea, kept cool.
    fn in_transit() -> Value {
        let mut e = packed();
        e["what"] = json!({"items": [PARENT]});
        e["body"]["status"] = "in_transit".into();
        e["body"]["mode"] = "sea".into();
        e["body"]["temperature"] = json!({"value": "18.5", "uom": "CEL"});
        e
    }

    #[test]
    fn a_packing_parses_defines_its_waybill_and_needs_its_order() {
        let e = parse(&packed());
        assert_eq!(e.kind, EventType::Logistics);
        assert_eq!(e.chain_keys(), [PARENT, ITEMS[0], ITEMS[1]]);
        let waybill = (DocKind::Waybill, "SE26052200000".to_string());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![waybill.clone(), order]);
        assert_eq!(e.defines(), Some(waybill));
        let order = Reference::Document {
            field: "body.order_no".into(),
            kind: DocKind::Order,
            number: "LD202605180001".into(),
        };
        assert_eq!(e.references(), vec![order]);
        assert_eq!(parse(&in_transit()).chain_keys(), [PARENT]);
    }

    #[test]
    fn a_logistics_step_names_items() {
        let mut e = in_transit();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
    }

    #[test]
    fn packing_and_only_packing_names_a_parent() {
        for status in ["packed", "unpacked"] {
            let mut e = packed();
            e["body"]["status"] = status.into();
            parse(&e);
            e["what"].as_object_mut().unwrap().remove("parent");
            refused(&e, "what.parent", "name the parent");
        }
        let mut e = in_transit();
        e["what"]["parent"] = "00/047188222605000014".into();
        refused(&e, "what.parent", "only packed and unpacked");
    }

    #[test]
    fn nothing_is_packed_into_itself() {
        let mut e = packed();
        e["what"]["items"] = json!([ITEMS[0], PARENT]);
        refused(&e, "what.parent", "packed into itself");
    }
}

mod payment {
    use super::testing::*;

    /// A payment for order LD202605180001; it names no items (fixtures/scenario).
    fn paid() -> Value {
        json!({"type": "payment", "client_id": "straits_pay:pay:SP20260518037001",
            "actor": "CN-USCC:91350128MA2XR5E6XK", "key": key(), "time": "2026-05-18T08:55:00+08:00",
            "where": {"country": "CN", "place": "平潭综合实验区 海峡跨境支付", "gln": "6971208000700"},
            "body": {"payment_no": "SP20260518037001", "order_no": "LD202605180001",
                "payer_commitment": hex('d'), "amount": {"amount": "805.75", "currency": "CNY"},
                "status": "paid"}})
    }

    #[test]
    fn a_payment_parses_defines_its_number_and_needs_its_order() {
        let e = parse(&paid());
        assert_eq!(e.kind, EventType::Payment);
        assert!(e.chain_keys().is_empty());
        let payment = (DocKind::Payment, "SP20260518037001".to_string());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![payment.clone(), order]);
        assert_eq!(e.defines(), Some(payment));
        let order = Reference::Document {
            field: "body.order_no".into(),
            kind: DocKind::Order,
            number: "LD202605180001".into(),
        };
        assert_eq!(e.references(), vec![order]);
    }

    #[test]
    fn the_amount_is_not_negative() {
        let mut e = paid();
        e["body"]["amount"]["amount"] = "-805.75".into();
        refused(&e, "body.amount.amount", "negative");
        e["body"]["status"] = "refunded".into();
        refused(&e, "body.amount.amount", "negative");
        e["body"]["amount"]["amount"] = "-0.00".into();
        parse(&e);
    }
}

mod production {
    use super::testing::*;

    const LOT: &str = "01/04716283000113/10/ZSH2604Q18";

    /// A harvest of fresh tea leaf (fixtures/scenario).
    fn harvest() -> Value {
        json!({"type": "production", "client_id": "zhangshuhu:harvest:ZSH2604Q18",
            "actor": "TW-UBN:80412335", "key": key(), "time": "2026-04-18T11:30:00+08:00",
            "what": {"items": [LOT], "quantity": {"value": "1420", "uom": "KGM"}},
            "where": {"country": "TW", "place": "嘉義縣阿里山鄉 樟樹湖茶區", "gln": "4716283000083"},
            "why": {"biz_step": "commissioning", "disposition": "active"},
            "body": {"product": "阿里山高山茶 青心烏龍 生葉", "produced": "2026-04-18",
                "origin": "嘉義縣阿里山鄉樟樹湖 Zhangshuhu, Alishan", "facility": "樟樹湖茶區 第3、5號茶園",
                "certifications": ["產銷履歷 TAP"]}})
    }

    #[test]
    fn a_production_parses_and_joins_its_items_and_inputs_chains() {
        let e = parse(&harvest());
        assert_eq!(e.kind, EventType::Production);
        assert_eq!(e.chain_keys(), vec![LOT.to_string()]);
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        assert!(e.references().is_empty());

        let mut made = harvest();
        made["what"]["items"] = json!(["01/04719865001270/10/AL2604Q1"]);
        made["what"]["inputs"] = json!([LOT]);
        let keys = parse(&made).chain_keys();
        assert_eq!(keys, vec![LOT, "01/04719865001270/10/AL2604Q1"]);
    }

    #[test]
    fn a_production_names_trade_items_and_their_quantity() {
        let mut e = harvest();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = harvest();
        e["what"].as_object_mut().unwrap().remove("quantity");
        refused(&e, "what.quantity", "quantity made");
        let mut e = harvest();
        e["what"]["items"] = json!([LOT, "00/047188222605000007"]);
        refused(&e, "what.items[1]", "trade items");
        for q in ["0", "-1420", "0.0"] {
            let mut e = harvest();
            e["what"]["quantity"]["value"] = q.into();
            refused(&e, "what.quantity.value", "not a positive quantity");
        }
    }

    #[test]
    fn expiry_is_not_before_production() {
        let mut e = harvest();
        e["body"]["expiry"] = "2026-04-18".into();
        parse(&e);
        e["body"]["expiry"] = "2026-04-17".into();
        refused(&e, "body.expiry", "before the production date");
    }
}

mod recall {
    use super::testing::*;

    #[test]
    fn severities_are_class_i_ii_and_iii() {
        for class in ["class_i", "class_ii", "class_iii"] {
            let mut e = recall();
            e["body"]["severity"] = class.into();
            parse(&e);
        }
        for class in ["class_i_i", "class_iv", "ClassI"] {
            let mut e = recall();
            e["body"]["severity"] = class.into();
            refused(&e, "body.severity", "unknown variant");
        }
    }

    const LOT: &str = "01/04713372005080/10/GM260511";

    /// A class I recall of a lot of infant formula (fixtures/scenario).
    fn recall() -> Value {
        json!({"type": "recall", "client_id": "pingtan_amr:recall:PTAMR-ZH-2026-017",
            "actor": "CN-USCC:11350128MB1A905TX8", "key": key(), "time": "2026-06-18T16:30:00+08:00",
            "what": {"items": [LOT]},
            "where": {"country": "CN", "place": "平潭综合实验区市场监督管理局", "gln": "6971208000496"},
            "why": {"biz_step": "holding", "disposition": "recalled"},
            "body": {"reason": "黄曲霉毒素M1 超过 GB 2761-2017 限量", "severity": "class_i",
                "notice_no": "PTAMR-ZH-2026-017", "action": "一级召回"}})
    }

    #[test]
    fn a_recall_parses_and_needs_its_lots_known() {
        let second = "01/04713372005080/10/GM260512";
        let mut e = recall();
        e["what"]["items"] = json!([LOT, second]);
        let e = parse(&e);
        assert_eq!(e.kind, EventType::Recall);
        assert_eq!(e.chain_keys(), [LOT, second]);
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        let known = [LOT, second]
            .into_iter()
            .enumerate()
            .map(|(i, item)| Reference::Item {
                field: format!("what.items[{i}]"),
                item: item.to_string(),
            });
        assert_eq!(e.references(), known.collect::<Vec<_>>());
    }

    #[test]
    fn a_recall_names_lots() {
        let mut e = recall();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        for not_a_lot in [
            "01/04713372005080",
            "01/04713372005080/21/00001",
            "01/04713372005080/10/GM260511/21/00001",
            "00/047188222605000007",
        ] {
            e["what"]["items"] = json!([LOT, not_a_lot]);
            refused(&e, "what.items[1]", "names lots");
        }
    }
}

mod registration {
    use super::testing::*;

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
        e["what"] = json!({"quantity": {"value": "1", "uom": "H87"}});
        refused(&e, "what", "or quantity");
    }

    #[test]
    fn a_registration_names_each_key_once() {
        let mut e = register();
        e["body"]["keys"] = json!([key(), key()]);
        refused(&e, "body.keys[1]", "named twice");
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
        let other = suyuan_format::keys::SecretKey::from_seed(&[2; 32])
            .public()
            .to_string();
        let both = json!({"key": key(), "new_key": other});
        parse(&key_change("rotate_key", both));
        let same = json!({"key": key(), "new_key": key()});
        refused(
            &key_change("rotate_key", same),
            "body.new_key",
            "with another one",
        );
        let e = key_change("rotate_key", json!({"new_key": key()}));
        refused(&e, "body.key", "rotated out");
        let e = key_change("rotate_key", json!({"key": key()}));
        refused(&e, "body.new_key", "rotated in");
    }
}

mod review {
    use super::testing::*;

    const ITEMS: [&str; 2] = [
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// A consumer's four-star rating of an order (fixtures/scenario).
    fn rating() -> Value {
        json!({"type": "review", "client_id": "c1:review:LD202605180001",
            "actor": "CONSUMER:LD-U20418833", "key": key(), "time": "2026-05-24T13:13:00+08:00",
            "what": {"items": ITEMS}, "where": {"country": "CN", "place": "平潭"},
            "body": {"kind": "rating", "rating": 4, "text": "香气不错，包装很精致。", "lang": "zh",
                "order_no": "LD202605180001"}})
    }

    /// A complaint step: `kind` with text and no rating.
    fn complaint(kind: &str) -> Value {
        let mut e = rating();
        e["body"] = json!({"kind": kind, "text": "罐子凹了 The tin arrived dented.",
            "order_no": "LD202605180001"});
        e
    }

    #[test]
    fn a_rating_parses_and_needs_the_order_it_names() {
        let e = parse(&rating());
        assert_eq!(e.kind, EventType::Review);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![order]);
        assert_eq!(e.defines(), None);
        let order = Reference::Document {
            field: "body.order_no".into(),
            kind: DocKind::Order,
            number: "LD202605180001".into(),
        };
        assert_eq!(e.references(), vec![order]);
    }

    #[test]
    fn every_review_names_its_order() {
        for kind in ["complaint", "mediation", "resolution"] {
            let e = parse(&complaint(kind));
            let order = (DocKind::Order, "LD202605180001".to_string());
            assert_eq!(e.documents(), vec![order]);
            let mut e = complaint(kind);
            e["body"].as_object_mut().unwrap().remove("order_no");
            refused(&e, "body", "order_no");
        }
    }

    #[test]
    fn a_buyer_salt_is_32_bytes_of_hex() {
        let mut e = rating();
        e["body"]["buyer_salt"] = hex('a').into();
        parse(&e);
        e["body"]["buyer_salt"] = "abc".into();
        refused(&e, "body.buyer_salt", "32-byte");
    }

    #[test]
    fn a_review_names_items() {
        let mut e = rating();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
    }

    #[test]
    fn a_rating_is_from_1_to_5() {
        let mut e = rating();
        e["body"].as_object_mut().unwrap().remove("rating");
        refused(&e, "body.rating", "gives a rating");
        for (n, ok) in [(0, false), (1, true), (5, true), (6, false)] {
            e["body"]["rating"] = n.into();
            match ok {
                true => drop(parse(&e)),
                false => refused(&e, "body.rating", "not a rating from 1 to 5"),
            }
        }
        let mut e = complaint("complaint");
        e["body"]["rating"] = 6.into();
        refused(&e, "body.rating", "not a rating from 1 to 5");
        e["body"]["rating"] = 2.into();
        refused(&e, "body.rating", "only a rating review");
    }

    #[test]
    fn a_language_is_a_bcp_47_tag() {
        for lang in ["zh", "zh-Hant", "en", "nan-TW"] {
            let mut e = rating();
            e["body"]["lang"] = lang.into();
            parse(&e);
        }
        for lang in ["", "chinese", "zh_Hant", "z"] {
            let mut e = rating();
            e["body"]["lang"] = lang.into();
            refused(&e, "body.lang", "BCP 47");
        }
    }

    #[test]
    fn complaint_steps_carry_text() {
        for kind in ["complaint", "mediation", "resolution"] {
            let mut e = complaint(kind);
            e["body"].as_object_mut().unwrap().remove("text");
            refused(&e, "body.text", "carry text");
        }
        let mut e = rating();
        e["body"].as_object_mut().unwrap().remove("text");
        parse(&e);
    }
}

mod trade {
    use super::testing::*;

    const ITEMS: [&str; 2] = [
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// A cross-border retail order of two tins (fixtures/scenario).
    fn order() -> Value {
        let cny = |amount: &str| json!({"amount": amount, "currency": "CNY"});
        json!({"type": "trade", "client_id": "landao_mall:order:LD202605180001",
            "actor": "CN-USCC:91350128MA34XK7PX7", "key": key(), "time": "2026-05-18T08:53:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "CN", "place": "平潭综合实验区 岚岛跨境购运营中心", "gln": "6971208000632"},
            "why": {"biz_step": "retail_selling", "disposition": "retail_sold"},
            "body": {"order_no": "LD202605180001", "trade_mode": "9610", "seller": "TW-UBN:54837195",
                "buyer_commitment": hex('d'),
                "lines": [{"gtin": "04719865001270", "description": "阿里山高山烏龍茶 150g",
                    "hs_code": "0902301000", "quantity": "2", "unit_price": cny("368.00")}],
                "goods": cny("736.00"), "freight": cny("22.00"), "tax": cny("47.75"), "total": cny("805.75")}})
    }

    #[test]
    fn a_trade_parses_and_defines_its_order() {
        let e = parse(&order());
        assert_eq!(e.kind, EventType::Trade);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![order.clone()]);
        assert_eq!(e.defines(), Some(order));
        assert!(e.references().is_empty());
    }

    #[test]
    fn a_trade_names_items_and_lines_of_trade_items() {
        let mut e = order();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = order();
        e["body"]["lines"] = json!([]);
        refused(&e, "body.lines", "at least one line");
        let mut e = order();
        e["body"]["lines"][0]["gtin"] = "04719865001271".into();
        refused(&e, "body.lines[0].gtin", "");
    }

    #[test]
    fn all_amounts_are_in_the_totals_currency() {
        let mut e = order();
        e["body"]["lines"][0]["unit_price"]["currency"] = "TWD".into();
        refused(&e, "body.lines[0].unit_price.currency", "one currency");
        for name in ["goods", "freight", "tax"] {
            let mut e = order();
            e["body"][name]["currency"] = "TWD".into();
            refused(&e, &format!("body.{name}.currency"), "one currency");
        }
    }

    #[test]
    fn goods_is_the_sum_of_the_lines() {
        let mut e = order();
        e["body"]["lines"][0]["quantity"] = "3".into();
        refused(&e, "body.goods.amount", "not the sum of the lines");
        let mut e = order();
        e["body"]["lines"][0]["unit_price"]["amount"] = "368.01".into();
        refused(&e, "body.goods.amount", "not the sum of the lines");
        // Two lines, one at a fractional quantity (loose tea by the kilogram).
        let mut e = order();
        let cny = |amount: &str| json!({"amount": amount, "currency": "CNY"});
        e["body"]["lines"] = json!([
            {"gtin": "04719865001270", "description": "阿里山高山烏龍茶 150g", "quantity": "1", "unit_price": cny("368.00")},
            {"gtin": "04719865001270", "description": "阿里山高山烏龍茶 散茶", "quantity": "0.25", "unit_price": cny("1472.00")}
        ]);
        parse(&e);
    }

    #[test]
    fn lines_have_positive_quantities_and_prices_that_are_not_negative() {
        for q in ["0", "-2", "0.000"] {
            let mut e = order();
            e["body"]["lines"][0]["quantity"] = q.into();
            refused(&e, "body.lines[0].quantity", "not a positive quantity");
        }
        let mut e = order();
        e["body"]["lines"][0]["unit_price"]["amount"] = "-368.00".into();
        refused(&e, "body.lines[0].unit_price.amount", "negative");
    }

    #[test]
    fn the_total_is_goods_plus_freight_plus_tax() {
        let mut e = order();
        e["body"]["total"]["amount"] = "805.76".into();
        refused(
            &e,
            "body.total.amount",
            "is not goods 736.00 + freight 22.00 + tax 47.75",
        );
        // Trailing zeros and scale do not matter.
        e["body"]["total"]["amount"] = "805.7500".into();
        parse(&e);
        let mut e = order();
        e["body"]["freight"]["amount"] = "-22.00".into();
        refused(&e, "body.freight.amount", "negative");
        let mut e = order();
        e["body"]["tax"]["amount"] = "47.75001".into();
        refused(&e, "body.tax.amount", "more than 4 decimal places");
    }
}

/// Each event has one JSON spelling: lists only where the format has lists, times and
/// dates in one form, and no item named twice.
mod one_spelling {
    use super::testing::*;

    /// A harvest (fixtures/scenario), as in `production`.
    fn harvest() -> Value {
        json!({"type": "production", "client_id": "zhangshuhu:harvest:ZSH2604Q18",
            "actor": "TW-UBN:80412335", "key": key(), "time": "2026-04-18T11:30:00+08:00",
            "what": {"items": ["01/04716283000113/10/ZSH2604Q18"], "quantity": {"value": "1420", "uom": "KGM"}},
            "where": {"country": "TW", "place": "嘉義縣阿里山鄉 樟樹湖茶區"},
            "body": {"product": "阿里山高山茶 青心烏龍 生葉", "produced": "2026-04-18", "expiry": "2027-04-18",
                "origin": "嘉義縣阿里山鄉樟樹湖", "facility": "樟樹湖茶區"}})
    }

    #[test]
    fn an_object_written_as_a_list_is_refused() {
        let mut e = harvest();
        e["what"]["quantity"] = json!(["1420", "KGM"]);
        refused(&e, "what.quantity", "is not a list member");
        let mut e = harvest();
        e["where"] = json!(["TW", "Alishan"]);
        refused(&e, "where", "is not a list member");
        let mut e = harvest();
        e["body"] = json!(["tea", "2026-04-18", null, "Alishan", "Zhangshuhu", null]);
        refused(&e, "body", "is not a list member");
        let mut e = harvest();
        e["what"]["items"] = json!([["01/04716283000113/10/ZSH2604Q18"]]);
        refused(&e, "what.items[0]", "a list inside a list");
    }

    #[test]
    fn times_use_upper_case_t_and_z_and_dates_have_no_sign() {
        for time in [
            "2026-04-18t11:30:00+08:00",
            "2026-04-18 11:30:00+08:00",
            "2026-04-18T03:30:00z",
        ] {
            let mut e = harvest();
            e["time"] = time.into();
            refused(&e, "time", "RFC 3339");
        }
        let mut e = harvest();
        e["time"] = "2026-04-18T03:30:00Z".into();
        parse(&e);
        for date in ["+2026-04-18", "-2026-04-18", "2026-4-18"] {
            let mut e = harvest();
            e["body"]["produced"] = date.into();
            refused(&e, "body.produced", "not a date");
        }
    }

    #[test]
    fn an_item_is_named_once_as_an_item_or_an_input() {
        let lot = "01/04719865001270/10/AL2604Q1";
        let leaf = "01/04716283000113/10/ZSH2604Q18";
        let mut e = harvest();
        e["what"]["items"] = json!([lot]);
        e["what"]["inputs"] = json!([leaf, leaf]);
        refused(&e, "what.inputs[1]", "named twice");
        e["what"]["inputs"] = json!([lot]);
        refused(&e, "what.inputs[0]", "named twice");
        e["what"]["inputs"] = json!(vec![leaf; 1001]);
        refused(&e, "what.inputs", "at most 1000");
    }
}
