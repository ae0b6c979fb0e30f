//! The resident roster (居民花名册): its export and import template, the
//! column mapping of an upload, the error report of a bad import.

use taizhang_core::auth::Actor;
use taizhang_core::{Error, FieldError, Services};

use crate::problems::{Import, sheet_error};

/// Column mapping written as `身份证号=证件号码; 住址=家庭地址` (or one per line).
pub fn parse_mapping(text: &str) -> Vec<(String, String)> {
    text.split([';', '；', '\n', ','])
        .filter_map(|pair| {
            let (k, v) = pair.split_once(['=', '＝', ':', '：'])?;
            let (k, v) = (k.trim(), v.trim());
            (!k.is_empty() && !v.is_empty()).then(|| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// Field errors of a roster import as (row, column, message) lines.
pub fn roster_problems(errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
    Import::Roster.lines(errors)
}

/// The error report of a roster import, from the uploaded bytes (.xlsx or
/// CSV) and the column mapping it was read with ([`parse_mapping`]'s text).
pub fn roster_error_report(errors: &[FieldError], bytes: &[u8], mapping: &str) -> Result<Vec<u8>, Error> {
    Import::Roster.report(errors, |title, problems| {
        taizhang_docs::roster_error_workbook(bytes, &parse_mapping(mapping), title, problems)
    })
}

/// The roster of an org as a workbook, with its file name (masked unless revealed; audited).
pub async fn roster_export(
    services: &Services,
    actor: &Actor,
    org_id: Option<i64>,
    reveal: bool,
) -> Result<(String, Vec<u8>), Error> {
    let (org, rows) = services.roster_rows(actor, org_id, reveal).await?;
    let title = format!("{}居民花名册", org.name);
    let bytes = taizhang_docs::roster_workbook(&title, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// The roster import template with the actor's grids in its drop-down list.
pub async fn roster_template(services: &Services, actor: &Actor) -> Result<Vec<u8>, Error> {
    let grids: Vec<String> = services.grids_under(actor, None).await?.into_iter().map(|g| g.name).collect();
    let sample = taizhang_core::grid::RosterRow {
        name: "韦丽华".into(),
        gender: "女".into(),
        id_number: "45900219800101002X".into(),
        birth_date: "1980-01-01".into(),
        mobile: "13800000000".into(),
        address: "1栋1单元101室".into(),
        head: "韦丽华".into(),
        relation: "户主".into(),
        grid: grids.first().cloned().unwrap_or_default(),
        ..Default::default()
    };
    taizhang_docs::roster_template(&grids, taizhang_core::grid::RELATIONS, &sample).map_err(sheet_error)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_mapping_reads_pairs_in_either_width() {
        assert_eq!(
            super::parse_mapping("身份证号=证件号码；住址：家庭地址\n=空, 网格 = 所属网格"),
            [("身份证号", "证件号码"), ("住址", "家庭地址"), ("网格", "所属网格")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }
}
