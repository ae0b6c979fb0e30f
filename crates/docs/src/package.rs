//! The .xlsx package of an upload, unzipped within budgets: each part once,
//! as a stream, with caps on the whole package and the shared strings, and
//! the first sheet's merged regions found in that same pass. What a sheet
//! may cost is counted here ([`Budget`]); `sheet` reads the cells.

use std::io::Cursor;

use crate::sheet::SheetError;

/// Largest number of cells (kept or filled from a merged region, empty
/// places between them included) read from one sheet.
pub const MAX_CELLS: usize = 2_000_000;
/// Largest amount of cell text read from one sheet.
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// Largest number of cells parsed, those past the column cap included.
pub const MAX_CELLS_SEEN: usize = 4_000_000;
/// Largest workbook once unzipped, all parts together.
pub const MAX_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;
/// Largest shared-strings part (all the sheet's texts), unzipped, and its
/// largest number of strings: the reader holds them all in memory.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 32 * 1024 * 1024;
pub const MAX_SHARED_STRINGS: usize = 1_000_000;
/// Most merged regions read from the first sheet.
pub const MAX_MERGED_REGIONS: usize = 100_000;

/// What a sheet has cost so far.
#[derive(Default)]
pub(crate) struct Budget {
    pub(crate) seen: usize,
    cells: usize,
    text: usize,
}

impl Budget {
    /// Counts a row growing from `len` to at least `width` cells and `text` more bytes.
    pub(crate) fn keep(&mut self, len: usize, width: usize, text: usize) -> Result<(), SheetError> {
        self.cells += width.saturating_sub(len);
        self.text = self.text.saturating_add(text);
        if self.cells > MAX_CELLS || self.text > MAX_TEXT_BYTES {
            return Err(SheetError::TooManyCells);
        }
        Ok(())
    }
}

/// A merged region: top-left and bottom-right (row, column), 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start: (u32, u32),
    pub end: (u32, u32),
}

/// Unzips the package once, each part as a stream with caps (the whole
/// package, the shared strings and their count), and returns the merged
/// regions of the first sheet, found in that same pass: the sheet itself is
/// then parsed only once, for its cells.
pub fn preflight(bytes: &[u8]) -> Result<Vec<Region>, SheetError> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::NotXlsx)?;
    let small = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Option<String> {
        let mut text = String::new();
        zip.by_name(name).ok()?.take(1024 * 1024).read_to_string(&mut text).ok()?;
        Some(text)
    };
    let first_sheet = small(&mut zip, "xl/workbook.xml")
        .zip(small(&mut zip, "xl/_rels/workbook.xml.rels"))
        .and_then(|(book, rels)| first_sheet_path(&book, &rels));
    let mut total = 0u64;
    let mut regions = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| SheetError::NotXlsx)?;
        let name = part.name().to_owned();
        let strings = name == "xl/sharedStrings.xml";
        let sheet = first_sheet.as_deref() == Some(name.as_str());
        let mut scan = MergeScan::default();
        let (mut size, mut count, mut tail) = (0u64, 0usize, Vec::<u8>::new());
        loop {
            let n = part.read(&mut chunk).map_err(|_| SheetError::NotXlsx)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            total += n as u64;
            if total > MAX_UNZIPPED_BYTES || (strings && size > MAX_SHARED_STRINGS_BYTES) {
                return Err(SheetError::TooManyCells);
            }
            if strings {
                // "<si>" or "<si " opens each string; the tail of the last
                // chunk catches one split across two.
                tail.extend_from_slice(&chunk[..n]);
                count += tail.windows(4).filter(|w| w[..3] == *b"<si" && matches!(w[3], b'>' | b' ')).count();
                let keep = tail.len().min(3);
                tail.drain(..tail.len() - keep);
                if count > MAX_SHARED_STRINGS {
                    return Err(SheetError::TooManyCells);
                }
            }
            if sheet {
                scan.feed(&chunk[..n]);
            }
        }
        if sheet {
            regions = scan.regions();
        }
    }
    Ok(regions)
}

/// The path in the package of the first sheet listed in the workbook.
fn first_sheet_path(book: &str, rels: &str) -> Option<String> {
    let sheets = book.find("<sheets").or_else(|| book.find(":sheets"))?;
    let sheet = &book[sheets + 7..];
    let element = &sheet[sheet.find("sheet ")?..];
    let element = &element[..element.find('>')?];
    // r:id="rId1" (the prefix of the relationships namespace varies).
    let id = attribute(element, ":id")?;
    let mut rest = rels;
    while let Some(at) = rest.find("Relationship ") {
        let element = &rest[at..];
        let end = element.find('>')?;
        let (element, after) = (&element[..end], &element[end..]);
        if attribute(element, " Id").as_deref() == Some(id.as_str()) {
            let target = attribute(element, "Target")?;
            return Some(match target.strip_prefix('/') {
                Some(absolute) => absolute.to_owned(),
                None => format!("xl/{target}"),
            });
        }
        rest = after;
    }
    None
}

/// The name of the first sheet of an .xlsx, as its workbook part lists it.
pub(crate) fn first_sheet_name(bytes: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut book = String::new();
    zip.by_name("xl/workbook.xml").ok()?.take(1024 * 1024).read_to_string(&mut book).ok()?;
    let sheets = book.find("<sheets").or_else(|| book.find(":sheets"))?;
    let sheet = &book[sheets + 7..];
    let element = &sheet[sheet.find("sheet ")?..];
    let element = &element[..element.find('>')?];
    attribute(element, " name").map(|name| unescape(&name)).filter(|name| !name.is_empty())
}

/// XML character references and the five named entities replaced by their characters.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of the attribute whose name ends with `name` in an element's text.
fn attribute(element: &str, name: &str) -> Option<String> {
    let at = element.find(&format!("{name}=\""))? + name.len() + 2;
    let value = &element[at..];
    Some(value[..value.find('"')?].to_owned())
}

/// Finds `<mergeCell ref="A1:B3"/>` elements in a sheet's XML as it streams
/// by: the bytes after the `mergeCells` element opens are kept (capped) and
/// read at the end; everything before it is only searched.
#[derive(Default)]
struct MergeScan {
    carry: Vec<u8>,
    found: Option<Vec<u8>>,
}

impl MergeScan {
    const MARK: &'static [u8] = b"mergeCells";
    const MAX_KEPT: usize = 16 * 1024 * 1024;

    fn feed(&mut self, bytes: &[u8]) {
        match &mut self.found {
            Some(kept) => {
                let room = Self::MAX_KEPT.saturating_sub(kept.len());
                kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
            None => {
                self.carry.extend_from_slice(bytes);
                if let Some(at) = self.carry.windows(Self::MARK.len()).position(|w| w == Self::MARK) {
                    self.found = Some(self.carry.split_off(at));
                    self.carry = Vec::new();
                } else {
                    let keep = self.carry.len().min(Self::MARK.len());
                    self.carry.drain(..self.carry.len() - keep);
                }
            }
        }
    }

    fn regions(self) -> Vec<Region> {
        let Some(kept) = self.found else { return Vec::new() };
        let text = String::from_utf8_lossy(&kept);
        text.split("mergeCell ")
            .skip(1)
            .filter_map(|element| attribute(&element[..element.find('>')?], "ref"))
            .filter_map(|r| parse_range(&r))
            .take(MAX_MERGED_REGIONS)
            .collect()
    }
}

/// "A1:C3" (or "B2") as a region.
fn parse_range(text: &str) -> Option<Region> {
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    let (start, end) = (parse_cell(a)?, parse_cell(b)?);
    Some(Region { start: (start.0.min(end.0), start.1.min(end.1)), end: (start.0.max(end.0), start.1.max(end.1)) })
}

/// "C3" as (row, column), 0-based.
fn parse_cell(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().replace('$', "");
    let digits = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = text.split_at(digits);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let column = letters.bytes().fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1)) - 1;
    let row: u32 = number.parse().ok()?;
    Some((row.checked_sub(1)?, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("B2"), Some(Region { start: (1, 1), end: (1, 1) }));
        assert_eq!(parse_range("$C$3:A1"), Some(Region { start: (0, 0), end: (2, 2) }));
        assert_eq!(parse_range("A0"), None);
        assert_eq!(parse_range("ABCD1"), None);
    }
}
