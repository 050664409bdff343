//! The regulator's export as files: CSV (RFC 4180) and XLSX (a sortable sheet: frozen,
//! filtered header row), with English and Chinese headers. The rows are the core's
//! (`suyuan_core::regulator`), the same for the CLI and `GET /v1/regulator/export`.

use suyuan_core::regulator::Row;
use suyuan_core::trace::csv_cell;

/// Header languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Headers {
    English,
    Chinese,
    /// "English / 中文" in each cell.
    Both,
}

impl Headers {
    pub fn parse(s: &str) -> Option<Headers> {
        match s {
            "en" => Some(Headers::English),
            "zh" => Some(Headers::Chinese),
            "both" => Some(Headers::Both),
            _ => None,
        }
    }
}

/// The columns: the key data elements of 21 CFR 1 Subpart S, and the entry behind each row.
const COLUMNS: [(&str, &str); 18] = [
    ("Critical tracking event", "关键追溯事件"),
    ("Rule", "条款"),
    ("Traceability lot code", "追溯批次代码"),
    ("GTIN", "商品条码 GTIN"),
    ("Batch/lot", "批号"),
    ("Product description", "产品描述"),
    ("Quantity", "数量"),
    ("Unit of measure", "计量单位"),
    ("Location description", "地点描述"),
    ("Location GLN", "地点 GLN"),
    ("Date and time", "日期时间"),
    ("Traceability lot code source", "批次代码来源地"),
    ("Traceability lot code source reference", "批次代码来源参考"),
    ("Input lot codes", "投入批次代码"),
    ("Reference document type", "参考单证类型"),
    ("Reference document number", "参考单证号码"),
    ("Recorded by", "记录方"),
    ("Ledger entry", "账本记录序号"),
];

fn header(headers: Headers) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|(en, zh)| match headers {
            Headers::English => en.to_string(),
            Headers::Chinese => zh.to_string(),
            Headers::Both => format!("{en} / {zh}"),
        })
        .collect()
}

fn cells(r: &Row) -> Vec<String> {
    vec![
        r.cte.as_str().into(),
        r.cte.rule().into(),
        r.tlc.clone(),
        r.gtin.clone(),
        r.batch.clone(),
        r.product.clone(),
        r.quantity.clone(),
        r.unit.clone(),
        r.location.clone(),
        r.location_gln.clone(),
        r.date.clone(),
        r.tlc_source.clone(),
        r.tlc_source_reference.clone(),
        r.inputs.clone(),
        r.reference_type.clone(),
        r.reference_number.clone(),
        r.signer.clone(),
        r.seq.to_string(),
    ]
}

pub fn csv(rows: &[Row], headers: Headers) -> String {
    let mut out = String::new();
    for line in std::iter::once(header(headers)).chain(rows.iter().map(cells)) {
        let line: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn xlsx(rows: &[Row], headers: Headers) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("KDE")?;
    let bold = Format::new().set_bold();
    for (c, title) in header(headers).iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, title, &bold)?;
        sheet.set_column_width(c as u16, 22)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in cells(row).iter().enumerate() {
            // Quantities and entry numbers are numbers, so that they sort as numbers.
            match (c, value.parse::<f64>()) {
                (6 | 17, Ok(n)) => sheet.write_number(r, c as u16, n)?,
                _ => sheet.write_string(r, c as u16, value)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    book.save_to_buffer()
}

// ---- the route ----

use crate::error::ApiError;
use crate::read::{query, read_ledger_long};
use crate::wire::ErrorBody;
use crate::Shared;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use suyuan_core::regulator::{rows, Selection};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct RegulatorQuery {
    /// A lot (01/GTIN/10/LOT) or a product (01/GTIN); every lot when absent.
    pub key: Option<String>,
    /// First day (YYYY-MM-DD, inclusive), by the date each event gives.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, inclusive).
    pub to: Option<String>,
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    /// Header language: `en`, `zh` or `both` (default).
    pub headers: Option<String>,
}

/// Checks a day given as YYYY-MM-DD.
pub fn day(field: &str, value: &str) -> Result<(), String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &format)
        .map(|_| ())
        .map_err(|_| format!("{field} is {value:?}: a day, YYYY-MM-DD"))
}

/// The regulator's export (FSMA 204, 21 CFR 1.1455(c)(3)(ii)): one row per critical
/// tracking event and traceability lot, with its key data elements, as a sortable
/// spreadsheet (docs/FORMAT.md §12).
#[utoipa::path(get, path = "/v1/regulator/export", tag = "read", params(RegulatorQuery), responses(
    (status = 200, description = "text/csv, or the XLSX workbook"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export_route(
    State(state): State<Shared>,
    q: Result<Query<RegulatorQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let headers = match q.headers.as_deref() {
        None => Headers::Both,
        Some(h) => Headers::parse(h)
            .ok_or_else(|| ApiError::bad_request(format!("headers is {h:?}: en, zh or both")))?,
    };
    let xlsx_wanted = match q.format.as_deref() {
        None | Some("csv") => false,
        Some("xlsx") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "format is {other:?}: csv or xlsx"
            )))
        }
    };
    for (field, value) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = value {
            day(field, v).map_err(ApiError::bad_request)?;
        }
    }
    read_ledger_long(&state, move |ledger| {
        let selection = Selection {
            key: q.key.as_deref(),
            from: q.from.as_deref(),
            to: q.to.as_deref(),
        };
        let found = rows(&ledger.read()?, &selection).map_err(crate::trace::trace_error)?;
        if xlsx_wanted {
            let book = xlsx(&found, headers).map_err(|e| ApiError::internal(e.to_string()))?;
            let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            return Ok(([(header::CONTENT_TYPE, kind)], book).into_response());
        }
        Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            csv(&found, headers),
        )
            .into_response())
    })
    .await
}
