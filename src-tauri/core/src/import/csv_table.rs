//! CSV files (a spreadsheet's, KeePassXC's export) read into a [`Table`].
//!
//! Read with `csv-core`, the parser of the `csv` crate, which writes each
//! record into a buffer Keyward owns: that buffer is zeroizing and grown by
//! copying into a new zeroizing buffer, so no copy of a cell is left behind.
//! A UTF-8 byte-order mark (spreadsheets write one) is skipped; text that is
//! not UTF-8 is refused with what to do.

use csv_core::{ReadRecordResult, Reader};
use zeroize::Zeroizing;

use super::{Cell, Format, Row, Table};

/// Reads `bytes` as CSV with a header row.
pub(super) fn parse(format: Format, bytes: &[u8]) -> Result<Table, String> {
    let mut input = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = Reader::new();
    let mut output: Zeroizing<Vec<u8>> = Zeroizing::new(vec![0; 4096]);
    let mut ends = vec![0usize; 16];
    let (mut out_len, mut ends_len) = (0, 0);
    let mut records: Vec<Vec<Cell>> = Vec::new();
    loop {
        let (result, read, written, ended) =
            reader.read_record(input, &mut output[out_len..], &mut ends[ends_len..]);
        input = &input[read..];
        out_len += written;
        ends_len += ended;
        match result {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => {
                let mut bigger = Zeroizing::new(vec![0; output.len() * 2]);
                bigger[..out_len].copy_from_slice(&output[..out_len]);
                output = bigger; // the old buffer is wiped as it drops
            }
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            ReadRecordResult::Record => {
                let mut cells = Vec::with_capacity(ends_len);
                let mut start = 0;
                for &end in &ends[..ends_len] {
                    let text = std::str::from_utf8(&output[start..end]).map_err(|_| {
                        format!(
                            "row {} is not UTF-8 text; save the file again as \"CSV UTF-8\"",
                            records.len() + 1
                        )
                    })?;
                    cells.push(Zeroizing::new(text.to_owned()));
                    start = end;
                }
                records.push(cells);
                out_len = 0;
                ends_len = 0;
            }
            ReadRecordResult::End => break,
        }
    }
    let mut records = records.into_iter();
    let header = records
        .next()
        .ok_or_else(|| "it is empty (not even a header row)".to_owned())?;
    let columns: Vec<String> = header.iter().map(|c| c.trim().to_owned()).collect();
    if columns.iter().all(String::is_empty) {
        return Err("its first row, which should name the columns, is empty".into());
    }
    let rows = records
        .enumerate()
        // A blank line (one empty cell) is no entry.
        .filter(|(_, cells)| !(cells.len() == 1 && cells[0].trim().is_empty()))
        .map(|(at, mut cells)| {
            cells.resize_with(columns.len().max(cells.len()), Cell::default);
            Row {
                number: at + 2,
                cells,
            }
        })
        .collect();
    Ok(Table {
        format,
        columns,
        rows,
        hidden: Vec::new(),
    })
}
