//! The portable export of a whole log: JSON Lines.
//!
//! ```text
//! {"format":"suyuan-export-v1","log_key":"<verifier key>","origin":"…","size":N}
//! <entry 0 bytes, verbatim>
//! …
//! <entry N-1 bytes>
//! {"checkpoint":"<signed note>"}      one line per stored checkpoint, oldest first
//! ```
//! Entry lines are the stored bytes exactly (canonical JSON never holds a raw newline).
//! The header is informative only: an auditor pins the log key itself.

use crate::audit::{AuditReport, Auditor, Failure, RawEntry};
use crate::storage::LogReader;
use crate::storage::StorageError;
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use suyuan_format::checkpoint::LogKey;

pub const EXPORT_FORMAT: &str = "suyuan-export-v1";

/// Writes the export of everything in `reader`'s snapshot.
pub fn write_export(
    reader: &dyn LogReader,
    origin: &str,
    verifier_key: &str,
    out: &mut impl Write,
) -> Result<u64, ExportWriteError> {
    let io = ExportWriteError::Io;
    let header = json!({"format": EXPORT_FORMAT, "origin": origin, "log_key": verifier_key, "size": reader.size()});
    writeln!(out, "{header}").map_err(io)?;
    let mut failed = None;
    reader
        .for_each_entry(false, &mut |_, bytes, _| {
            let written = out.write_all(bytes).and_then(|()| out.write_all(b"\n"));
            // The visitor speaks storage errors; the write failure is kept and returned.
            written.map_err(|e| {
                failed = Some(e);
                StorageError::Corrupt("export write failed".into())
            })
        })
        .map_err(|e| failed.take().map_or(ExportWriteError::Storage(e), io))?;
    for note in reader.checkpoint_notes()? {
        writeln!(out, "{}", json!({ "checkpoint": note })).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(reader.size())
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportWriteError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("writing the export: {0}")]
    Io(std::io::Error),
}

/// Why an export could not be read at all (as opposed to failing its audit).
#[derive(Debug, thiserror::Error)]
pub enum ExportReadError {
    #[error("reading the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("line 1 is not a Suyuan export header: {0}")]
    Header(String),
}

/// Audits an export read from `input`, with the log key pinned by the caller.
pub fn audit_export(
    input: impl BufRead,
    log_key: LogKey,
    progress: &dyn Fn(u64),
) -> Result<AuditReport, ExportReadError> {
    let mut lines = Lines { input, number: 0 };
    let header_line = match lines.next()? {
        Some(Line::Complete(l)) => l,
        Some(Line::Unterminated(_)) => {
            return Err(ExportReadError::Header(
                "the file ends inside its header line (no newline)".into(),
            ))
        }
        None => return Err(ExportReadError::Header("the file is empty".into())),
    };
    let header: Value =
        serde_json::from_slice(&header_line).map_err(|e| ExportReadError::Header(e.to_string()))?;
    if header["format"] != EXPORT_FORMAT {
        return Err(ExportReadError::Header(format!(
            "format is {}, expected {EXPORT_FORMAT}",
            header["format"]
        )));
    }
    let mut auditor = Auditor::new(log_key.clone());
    let mut extra = Vec::new();
    if let Some(k) = header["log_key"].as_str() {
        match LogKey::parse(k) {
            Ok(h) if h.key == log_key.key => {}
            _ => extra.push(Failure {
                seq: None,
                reason: format!("the export header names log key {k}, not the pinned key"),
            }),
        }
    }
    let mut checkpoints = Vec::new();
    let mut chunk = Vec::with_capacity(4096);
    let mut seen_checkpoint = false;
    while let Some(line) = lines.next()? {
        let number = lines.number;
        let line = match line {
            Line::Complete(line) => line,
            Line::Unterminated(line) => {
                extra.push(Failure {
                    seq: None,
                    reason: format!(
                        "line {number} has no final newline: the export is truncated or not an export"
                    ),
                });
                line
            }
        };
        if line.is_empty() {
            extra.push(Failure {
                seq: None,
                reason: format!("line {number} is empty"),
            });
            continue;
        }
        if line.starts_with(b"{\"checkpoint\":") {
            match serde_json::from_slice::<Value>(&line)
                .ok()
                .and_then(|v| v["checkpoint"].as_str().map(String::from))
            {
                Some(note) => checkpoints.push(note),
                None => extra.push(Failure {
                    seq: None,
                    reason: format!("line {number} is a malformed checkpoint line"),
                }),
            }
            seen_checkpoint = true;
            continue;
        }
        if seen_checkpoint {
            extra.push(Failure {
                seq: None,
                reason: format!("line {number}: an entry after the checkpoints"),
            });
        }
        chunk.push(RawEntry {
            bytes: line,
            private: None,
        });
        if chunk.len() == 4096 {
            auditor.feed(std::mem::take(&mut chunk));
            progress(auditor.count());
        }
    }
    auditor.feed(chunk);
    progress(auditor.count());
    let entries = auditor.count();
    let mut report = auditor.finish(&checkpoints);
    if header["size"].as_u64() != Some(entries) {
        extra.push(Failure {
            seq: None,
            reason: format!(
                "the export header says {} entries, the file holds {entries}",
                header["size"]
            ),
        });
    }
    report.failures.extend(extra);
    Ok(report)
}

/// One line of an export: `\n`-terminated, as FORMAT.md §9 requires of every line, or the
/// unterminated rest of a file.
enum Line {
    Complete(Vec<u8>),
    Unterminated(Vec<u8>),
}

/// The lines of an export, numbered from 1.
struct Lines<R> {
    input: R,
    number: u64,
}

impl<R: BufRead> Lines<R> {
    fn next(&mut self) -> Result<Option<Line>, std::io::Error> {
        let mut line = Vec::new();
        if self.input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        self.number += 1;
        Ok(Some(if line.last() == Some(&b'\n') {
            line.pop();
            Line::Complete(line)
        } else {
            Line::Unterminated(line)
        }))
    }
}
