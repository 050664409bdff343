//! The regulator's export (FSMA 204) end to end: `suyuan export --regulator` of the
//! recalled lot as CSV and XLSX (read back with a spreadsheet reader), the same over
//! HTTP, one row per critical tracking event and lot, each row's entry really recording
//! that event for that lot; date ranges; bad input named.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::SUYUAN;
use serde_json::Value;
use suyuan_testkit::cli::{stderr, stdout};
use suyuan_testkit::http::{get, Server};
use suyuan_testkit::scenario;

const LOT: &str = "01/04713372005080/10/GM260511";

#[test]
fn a_lot_exports_one_row_per_event_and_lot_as_csv_and_xlsx() {
    let tmp = tempfile::tempdir().unwrap();
    let csv_path = tmp.path().join("gm.csv");
    let (store, _) = scenario::seeded(SUYUAN, tmp.path());
    let data = store.to_str().unwrap();
    let export = |out: &std::path::Path, more: &[&str]| {
        let mut args = vec!["export", "--regulator", "--data", data, "--item", LOT];
        args.extend_from_slice(more);
        args.extend(["--out", out.to_str().unwrap()]);
        SUYUAN.run(&args)
    };
    let out = export(&csv_path, &["--headers", "en"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut reader = csv_rows(&text);
    let header = reader.remove(0);
    assert_eq!(header[0], "Critical tracking event");
    assert_eq!(header[2], "Traceability lot code");
    assert_eq!(header.len(), 18);
    assert!(!reader.is_empty());
    let events: Vec<Value> = scenario::events();
    let production = reader.iter().filter(|r| r[0] == "production").count();
    assert_eq!(production, 1, "one production of the lot");
    let mut last_date = String::new();
    for row in &reader {
        assert_eq!(row[2], LOT);
        assert!(row[10] >= last_date, "rows sorted by date");
        last_date = row[10].clone();
        let quantity: f64 = row[6].parse().unwrap();
        assert!(quantity > 0.0, "{row:?}");
        // The row's entry really records that event: same time, same status class.
        let seq: usize = row[17].parse().unwrap();
        let matching: Vec<&Value> = events
            .iter()
            .filter(|e| e["time"] == row[10].as_str() && e["actor"] == row[16].as_str())
            .collect();
        assert!(
            !matching.is_empty(),
            "entry {seq}: no scenario event at {} by {}",
            row[10],
            row[16]
        );
        let statuses: Vec<&str> = matching
            .iter()
            .map(|e| e["body"]["status"].as_str().unwrap_or(""))
            .collect();
        match row[0].as_str() {
            "shipping" => assert!(
                statuses
                    .iter()
                    .any(|s| ["picked_up", "departed"].contains(s)),
                "{row:?}"
            ),
            "receiving" => assert!(
                statuses
                    .iter()
                    .any(|s| ["arrived", "stored", "delivered"].contains(s)),
                "{row:?}"
            ),
            "production" => assert!(matching.iter().any(|e| e["type"] == "production")),
            other => panic!("unexpected event {other}"),
        }
    }

    // The same rows as XLSX, read back by a spreadsheet reader; bilingual headers.
    let xlsx_path = tmp.path().join("gm.xlsx");
    let out = export(&xlsx_path, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let sheet = book.worksheet_range("KDE").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows[0][2], "Traceability lot code / 追溯批次代码");
    assert_eq!(rows.len(), reader.len() + 1);
    for (x, c) in rows[1..].iter().zip(&reader) {
        assert_eq!(x[0], c[0]);
        assert_eq!(x[10], c[10]);
        assert_eq!(x[17], c[17]);
    }

    // Over HTTP, the same CSV; a date range narrows it; bad input is named.
    let server = Server::start(SUYUAN, &store);
    let http = get(
        &server.url(&format!("/v1/regulator/export?key={LOT}&headers=en")),
        "text/csv",
    )
    .text();
    assert_eq!(http, text);
    let day = reader[1][10][..10].to_string();
    let narrowed = get(
        &server.url(&format!(
            "/v1/regulator/export?key={LOT}&from={day}&to={day}"
        )),
        "text/csv",
    )
    .text();
    let n = csv_rows(&narrowed).len() - 1;
    assert!(n >= 1 && n < reader.len(), "{n} rows on {day}");
    assert!(csv_rows(&narrowed)[1..]
        .iter()
        .all(|r| r[10].starts_with(&day)));
    let bad = get(
        &server.url("/v1/regulator/export?from=2026-13-01"),
        "text/csv",
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.text().contains("from is \\\"2026-13-01\\\": a day"),
        "{}",
        bad.text()
    );
    let unknown = get(
        &server.url("/v1/regulator/export?key=01/04713372005080/10/NOPE"),
        "text/csv",
    );
    assert_eq!(unknown.status, 404);
    let unit = get(
        &server.url(&format!("/v1/regulator/export?key={LOT}/21/00001")),
        "text/csv",
    );
    assert_eq!(unit.status, 400, "{}", unit.text());
    let book = get(
        &server.url(&format!("/v1/regulator/export?key={LOT}&format=xlsx")),
        "application/octet-stream",
    );
    assert_eq!(book.status, 200);
    server.stop();
}

/// RFC 4180 rows (quoted cells with doubled quotes, CRLF line ends).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}
