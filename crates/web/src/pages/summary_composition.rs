//! /summary/composition: the composer. Staff arrange the sections of their
//! summary (headings, what each states, which areas, kinds, campaigns and
//! sub-orgs it takes, their own text with figure chips) without template code.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::composition::{Binding, CHIP_PATTERNS, CHIPS, Composition, Part, Section};
use taizhang_core::model::Id;

use super::flash::{self, Flash};
use super::{PageResult, form_errors, form_org_id, local_url, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default)]
pub struct ComposerQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
}

fn section_json(s: &Section) -> Value {
    json!({
        "heading": s.heading, "level": s.level, "text": s.text,
        "parts": s.parts.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "areas": s.binding.areas, "kinds": s.binding.kinds, "campaigns": s.binding.campaigns,
        "orgs": s.binding.orgs, "no_area": s.binding.no_area, "new": false, "proposed": null,
        "indicators": s.binding.indicators,
        "categories": s.binding.project_categories.join("，"),
        "months": s.binding.months.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(","),
    })
}

/// What the summary says under each heading now (heading → text), shown
/// beside each section as the app's proposal.
async fn proposals(state: &AppState, page: &PageActor, org_id: Option<Id>, period: &str) -> BTreeMap<String, String> {
    use taizhang_docs::report::{Block, text_of};
    let mut out = BTreeMap::new();
    let Ok((doc, _)) = crate::reports::summary(state, &page.actor, org_id, period).await else { return out };
    let mut at: Option<String> = None;
    for b in &doc.blocks {
        match b {
            Block::Heading { spans, .. } => at = Some(text_of(spans)),
            Block::Paragraph(spans) => {
                if let Some(h) = &at {
                    let text: &mut String = out.entry(h.clone()).or_default();
                    text.push_str(&text_of(spans));
                }
            }
            Block::Right(_) => {}
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn composer(
    state: &AppState,
    page: &PageActor,
    org_id: Option<Id>,
    period: &str,
    composition: Option<Composition>,
    status: StatusCode,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let found = state.services.summary_composition(&page.actor, org_id).await?;
    let org = state.services.visible_org(&page.actor, org_id.or(page.actor.org_id).unwrap_or_default()).await.ok();
    let own = found.owner_id.is_some() && found.owner_id == org.as_ref().map(|o| o.id);
    let choices = state.services.summary_composition_choices(&page.actor, org_id).await?;
    let composition = composition.unwrap_or(found.composition);
    let mut sections: Vec<Value> = composition.sections.iter().map(section_json).collect();
    sections.push(json!({ "heading": "", "level": 2, "text": "", "parts": ["activities"], "areas": [], "kinds": [],
        "campaigns": [], "orgs": [], "no_area": false, "indicators": [], "categories": "", "months": "", "new": true }));
    let proposed = proposals(state, page, org.as_ref().map(|o| o.id), period).await;
    let when = taizhang_core::period::Period::parse(period).map(|p| p.label()).unwrap_or_default();
    for s in &mut sections {
        let heading = s["heading"].as_str().unwrap_or_default().replace("「期间」", "");
        let found = proposed.iter().find(|(h, _)| !heading.is_empty() && h.ends_with(&heading)).map(|(_, t)| t.clone());
        s["proposed"] = json!(found);
    }
    render_status(
        page,
        status,
        "summary_composition.html",
        &mut json!({
            "title": composition.title, "sections": sections, "own": own,
            "inherited_from": if own { None } else { found.owner_name },
            "org_id": org.as_ref().map(|o| o.id.to_string()).unwrap_or_default(),
            "org_name": org.as_ref().map(|o| o.name.clone()), "period": period, "errors": errors,
            "period_label": when,
            "parts": Part::ALL.iter().map(|p| json!({ "code": p.as_str(), "label": p.label() })).collect::<Vec<_>>(),
            "areas": choices.areas.iter().map(|a| json!({ "id": a.id, "name": a.name, "sub": a.parent_id.is_some() })).collect::<Vec<_>>(),
            "kinds": choices.kinds.iter().map(|(c, l)| json!({ "code": c, "label": l })).collect::<Vec<_>>(),
            "campaigns": choices.campaigns.iter().map(|c| json!({ "id": c.id, "name": c.name })).collect::<Vec<_>>(),
            "orgs": choices.orgs.iter().map(|o| json!({ "id": o.id, "name": o.name })).collect::<Vec<_>>(),
            "chips": CHIPS.iter().map(|(n, d)| json!({ "name": n, "about": d })).collect::<Vec<_>>(),
            "chip_patterns": CHIP_PATTERNS.iter().map(|(n, d)| json!({ "name": n, "about": d })).collect::<Vec<_>>(),
        }),
    )
}

pub async fn edit(State(state): State<AppState>, page: PageActor, Query(q): Query<ComposerQuery>) -> PageResult {
    let period = super::working_period(&state, &page, &q.period).await?;
    composer(&state, &page, q.org_id.parse().ok(), &period, None, StatusCode::OK, BTreeMap::new()).await
}

/// The composition a composer form describes: `title`, and per section
/// `s{i}_heading`, `s{i}_level`, `s{i}_parts` ..., `s{i}_order` (position),
/// `s{i}_drop` (left out). A blank new section is ignored. Numbers that do
/// not parse are reported by field.
fn read_form(fields: &[(String, String)]) -> (Composition, BTreeMap<String, String>) {
    let mut errors = BTreeMap::new();
    let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let all = |key: &str| fields.iter().filter(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()).collect::<Vec<_>>();
    let mut rows: Vec<(f64, usize, Section)> = Vec::new();
    for i in 0..200 {
        let p = |f: &str| format!("s{i}_{f}");
        if !fields.iter().any(|(k, _)| k.starts_with(&format!("s{i}_"))) {
            continue;
        }
        let heading = get(&p("heading"));
        let text = get(&p("text"));
        if !get(&p("drop")).is_empty() || (get(&p("new")) == "1" && heading.is_empty() && text.is_empty()) {
            continue;
        }
        let at = rows.len();
        let field = |f: &str| format!("sections[{at}].{f}");
        let mut ids = |name: &str, key: &str| -> Vec<Id> {
            all(&p(key))
                .iter()
                .filter(|v| !v.is_empty())
                .filter_map(|v| match v.parse() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        errors.insert(field(&format!("binding.{name}")), format!("第{}节的选择不对", at + 1));
                        None
                    }
                })
                .collect()
        };
        let areas = ids("areas", "areas");
        let campaigns = ids("campaigns", "campaigns");
        let orgs = ids("orgs", "orgs");
        let indicators = ids("indicators", "indicators");
        let raw_months = get(&p("months"));
        let months = if raw_months.is_empty() {
            Vec::new()
        } else if let Some(list) = taizhang_core::composition::parse_months(&raw_months) {
            list
        } else {
            let parsed: Result<Vec<u32>, _> =
                raw_months.split([',', '，', '、']).map(|m| m.trim().trim_end_matches('月').parse::<u32>()).collect();
            parsed.unwrap_or_else(|_| {
                errors.insert(field("binding.months"), format!("第{}节的月份应写成“7,8”或“7至8月”", at + 1));
                Vec::new()
            })
        };
        let level = get(&p("level")).parse().unwrap_or(2);
        let order = get(&p("order")).parse().unwrap_or(at as f64 + 1.0);
        rows.push((
            order,
            at,
            Section {
                heading,
                level,
                parts: all(&p("parts")).iter().filter_map(|c| Part::parse(c)).collect(),
                binding: Binding {
                    areas,
                    no_area: !get(&p("no_area")).is_empty(),
                    kinds: all(&p("kinds")).into_iter().filter(|k| !k.is_empty()).collect(),
                    campaigns,
                    orgs,
                    indicators,
                    project_categories: get(&p("categories"))
                        .split([',', '，', '、'])
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    months,
                },
                text,
            },
        ));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    (Composition { title: get("title"), sections: rows.into_iter().map(|(_, _, s)| s).collect() }, errors)
}

fn back(org_id: &str, period: &str) -> String {
    local_url("/summary", &[("org_id", org_id), ("period", period)])
}

/// Saves the composition: every section checked, each wrong field named.
pub async fn save(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<Vec<(String, String)>>) -> PageResult {
    let value = |key: &str| f.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
    let (org_raw, period) = (value("org_id"), value("period"));
    let period = super::working_period(&state, &page, &period).await?;
    let org_id = match form_org_id(&org_raw) {
        Ok(id) => id,
        Err(e) => {
            let errors = form_errors(e)?;
            return composer(&state, &page, None, &period, None, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
        }
    };
    let (composition, mut errors) = read_form(&f);
    let result = if errors.is_empty() {
        state.services.summary_composition_set(&page.actor, org_id, Some(&composition)).await
    } else {
        Ok(())
    };
    if let Err(e) = result {
        errors.extend(form_errors(e)?);
    }
    if errors.is_empty() {
        return Ok(flash::redirect(&page, &back(&org_raw, &period), Flash::Saved));
    }
    composer(&state, &page, org_id, &period, Some(composition), StatusCode::UNPROCESSABLE_ENTITY, errors).await
}

/// Drops the org's own composition: back to the inherited one or the default.
pub async fn reset(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<Vec<(String, String)>>) -> PageResult {
    let value = |key: &str| f.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
    let (org_raw, period) = (value("org_id"), value("period"));
    let period = super::working_period(&state, &page, &period).await?;
    let org_id = form_org_id(&org_raw).ok().flatten();
    match state.services.summary_composition_set(&page.actor, org_id, None).await {
        Ok(()) => Ok(flash::redirect(
            &page,
            &local_url("/summary/composition", &[("org_id", &org_raw), ("period", &period)]),
            Flash::Saved,
        )),
        Err(e) => {
            let errors = form_errors(e)?;
            composer(&state, &page, org_id, &period, None, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}
