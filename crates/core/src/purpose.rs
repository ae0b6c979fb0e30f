//! Topics of the work summary (用于总结的专题): a fixed list of codes an
//! administrator gives a campaign, a work area or an org (a leading group),
//! so that a summary section finds its records by code, whatever the office
//! names them. Renaming a campaign never changes which section it feeds.

/// Epidemic prevention (疫情防控).
pub const EPIDEMIC: &str = "epidemic";
/// The campaign against organised crime (扫黑除恶).
pub const ANTI_CRIME: &str = "anti_crime";
/// Health (卫生健康).
pub const HEALTH: &str = "health";
/// Public security and comprehensive governance (综合治理).
pub const PUBLIC_SECURITY: &str = "public_security";
/// Theory study (理论学习).
pub const THEORY_STUDY: &str = "theory_study";

/// Every purpose: (code, label), in the order forms list them.
pub const PURPOSES: &[(&str, &str)] = &[
    (EPIDEMIC, "疫情防控"),
    (ANTI_CRIME, "扫黑除恶"),
    (HEALTH, "卫生健康"),
    (PUBLIC_SECURITY, "综合治理"),
    (THEORY_STUDY, "理论学习"),
];

/// The label of a purpose code.
pub fn purpose_label(code: &str) -> Option<&'static str> {
    PURPOSES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// Reads a purpose as typed or sent: empty for none, else a code or its
/// label. The error names the choices.
pub fn parse_purpose(s: &str) -> Result<Option<&'static str>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    PURPOSES.iter().find(|(c, l)| *c == s || *l == s).map(|(c, _)| Some(*c)).ok_or_else(|| {
        let labels: Vec<&str> = PURPOSES.iter().map(|(_, l)| *l).collect();
        format!("用于总结的专题“{s}”不存在，可选：{}，或留空", labels.join("、"))
    })
}

/// Checks an optional purpose into `problems` under `field`; `Some(None)`
/// clears it, `None` means the input was wrong.
pub(crate) fn purpose_field(problems: &mut crate::error::Problems, field: &str, s: &str) -> Option<Option<String>> {
    problems.check(field, parse_purpose(s)).map(|p| p.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_read_by_code_or_label() {
        assert_eq!(parse_purpose(""), Ok(None));
        assert_eq!(parse_purpose(" epidemic "), Ok(Some(EPIDEMIC)));
        assert_eq!(parse_purpose("扫黑除恶"), Ok(Some(ANTI_CRIME)));
        let e = parse_purpose("pandemic").unwrap_err();
        assert!(e.contains("“pandemic”不存在") && e.contains("理论学习"), "{e}");
        for (code, label) in PURPOSES {
            assert_eq!(purpose_label(code), Some(*label));
        }
    }
}
