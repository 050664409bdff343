//! `suyuan history`: an item's story on the terminal, one line per entry.

use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;
use suyuan_core::history::{History, Via};

pub fn run(dir: &Path, item: &str, json: bool) -> anyhow::Result<ExitCode> {
    let ledger = super::open(dir)?;
    let reader = ledger.read()?;
    let h = suyuan_core::history::history(&reader, item)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&h.to_json())?);
    } else {
        print!("{}", to_text(&h));
    }
    Ok(ExitCode::SUCCESS)
}

/// The history as lines of text, one per entry.
fn to_text(history: &History) -> String {
    let mut out = format!(
        "History of {} ({} entries)\n",
        history.item,
        history.entries.len()
    );
    for e in &history.entries {
        let ev = &e.event();
        let mark = if e.corrected_by.is_empty() {
            String::new()
        } else {
            let by: Vec<String> = e.corrected_by.iter().map(u64::to_string).collect();
            format!("  [declared in error by #{}]", by.join(", #"))
        };
        let via = if e.via == Via::Item {
            String::new()
        } else {
            format!("  (via {})", e.via.describe())
        };
        out.push_str(&format!(
            "#{:<6} {}  {:<12} {:<24} {}{}{}\n",
            e.seq,
            ev["time"].as_str().unwrap_or("?"),
            ev["type"].as_str().unwrap_or("?"),
            ev["actor"].as_str().unwrap_or("?"),
            summary(ev),
            via,
            mark
        ));
    }
    out
}
/// One line saying what an event records.
fn summary(ev: &Value) -> String {
    let b = &ev["body"];
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let money = |m: &Value| format!("{} {}", s(&m["amount"]), s(&m["currency"]));
    let place = ev["where"]["place"]
        .as_str()
        .map(|p| format!(" at {p}"))
        .unwrap_or_default();
    match ev["type"].as_str().unwrap_or("") {
        "registration" => format!("{} {} {}", s(&b["action"]), s(&b["subject"]), s(&b["name"])),
        "production" => format!(
            "produced {} {} of {} ({}), origin {}",
            s(&ev["what"]["quantity"]["value"]),
            s(&ev["what"]["quantity"]["uom"]),
            s(&b["product"]),
            s(&b["produced"]),
            s(&b["origin"])
        ),
        "inspection" => format!(
            "{} tested against {}: {} (report {})",
            s(&b["lab"]),
            s(&b["standard"]),
            s(&b["verdict"]).to_uppercase(),
            s(&b["report_no"])
        ),
        "acceptance" => format!(
            "{} inspection entry {}",
            s(&b["decision"]),
            &s(&b["inspection"]).chars().take(12).collect::<String>()
        ),
        "trade" => format!(
            "order {} ({}) total {}",
            s(&b["order_no"]),
            s(&b["trade_mode"]),
            money(&b["total"])
        ),
        "payment" => format!(
            "payment {} for order {}: {} {}",
            s(&b["payment_no"]),
            s(&b["order_no"]),
            money(&b["amount"]),
            s(&b["status"])
        ),
        "logistics" => {
            let temp = b["temperature"]["value"]
                .as_str()
                .map(|t| format!(", {t} °C"))
                .unwrap_or_default();
            let parent = ev["what"]["parent"]
                .as_str()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            format!(
                "waybill {}: {}{}{}{}",
                s(&b["waybill_no"]),
                s(&b["status"]),
                parent,
                place,
                temp
            )
        }
        "clearance" => format!(
            "declaration {} at {}: {} ({} {})",
            s(&b["declaration_no"]),
            s(&b["customs_office"]),
            s(&b["status"]),
            s(&b["direction"]),
            s(&b["trade_mode"])
        ),
        "review" => match b["rating"].as_u64() {
            Some(r) => format!("{} {}/5 {}", s(&b["kind"]), r, s(&b["text"])),
            None => format!("{}: {}", s(&b["kind"]), s(&b["text"])),
        },
        "recall" => format!(
            "RECALL {} ({}): {}",
            s(&b["notice_no"]),
            s(&b["severity"]),
            s(&b["reason"])
        ),
        "correction" => format!(
            "declares entry {} in error: {}",
            &s(&b["corrects"]).chars().take(12).collect::<String>(),
            s(&b["reason"])
        ),
        other => other.to_string(),
    }
}
