//! Attendance on the activity form: the people who may take part in an
//! org's sessions, the presets of members to tick at once, the picker
//! (`/activities/participants`, swapped in by htmx when the org changes) and
//! its 应到 / 实到 / 请假 counts.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::ledger::Attendance;
use taizhang_core::service::{ActivityInput, ParticipantInput};

use super::{PageResult, render};
use crate::AppState;
use crate::auth::PageActor;

/// The people who may take part in an org's activities: its members and
/// those registered in its subtree.
pub(super) async fn candidates(
    state: &AppState,
    page: &PageActor,
    org_id: Option<i64>,
) -> Result<Vec<Value>, crate::PageError> {
    let Some(org_id) = org_id else { return Ok(Vec::new()) };
    let Ok(org) = state.services.visible_org(&page.actor, org_id).await else { return Ok(Vec::new()) };
    let mut people: BTreeMap<i64, Value> = BTreeMap::new();
    for m in state.services.memberships_of_org(&page.actor, org.id).await? {
        people
            .entry(m.person_id)
            .or_insert_with(|| json!({ "id": m.person_id, "name": m.person_name, "role": m.role }));
    }
    let registered = state.services.person_search(&page.actor, "", Some(org.id), 1, 200).await?;
    for v in registered.items {
        people.entry(v.person.id).or_insert_with(|| json!({ "id": v.person.id, "name": v.person.name, "role": "" }));
    }
    Ok(people.into_values().collect())
}

/// The attendance picker of an org for a session of `kind`: the people who
/// may take part ([`candidates`], and every member of a preset, so that a
/// preset never names someone missing from the list), each with the keys the
/// filter matches (name, pinyin, initials), and the presets, the suggested one first.
pub(super) async fn picker(
    state: &AppState,
    page: &PageActor,
    org_id: Option<i64>,
    kind: &str,
) -> Result<(Vec<Value>, Vec<Value>), crate::PageError> {
    let mut people = candidates(state, page, org_id).await?;
    let presets = match org_id {
        Some(id) => match state.services.attendance_presets(&page.actor, id, kind).await {
            Ok(presets) => presets,
            Err(taizhang_core::Error::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        },
        None => Vec::new(),
    };
    let mut listed: std::collections::HashSet<i64> = people.iter().filter_map(|p| p["id"].as_i64()).collect();
    for preset in &presets {
        for (id, name) in &preset.members {
            if listed.insert(*id) {
                people.push(json!({ "id": id, "name": name, "role": "" }));
            }
        }
    }
    for p in &mut people {
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        let (full, initials) = taizhang_core::search_keys::name_keys(&name);
        p["keys"] = json!(format!("{} {full} {initials}", name.to_lowercase()));
    }
    let presets = presets
        .iter()
        .map(|p| {
            json!({
                "label": if p.own { "本组织成员".to_owned() } else { format!("{}成员", p.org_name) },
                "ids": p.members.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>().join(" "),
                "count": p.members.len(), "suggested": p.suggested,
            })
        })
        .collect();
    Ok((people, presets))
}

/// 应到 / 实到 / 请假 of the participants chosen.
pub(super) fn attendance_counts(participants: &[ParticipantInput]) -> Value {
    let chosen: Vec<&ParticipantInput> = participants.iter().filter(|p| p.person_id.is_some()).collect();
    let with = |a: Attendance| {
        chosen
            .iter()
            .filter(|p| match p.attendance.trim() {
                "" => a == Attendance::Present,
                raw => Attendance::parse(raw) == Some(a),
            })
            .count()
    };
    json!({ "expected": chosen.len(), "present": with(Attendance::Present), "leave": with(Attendance::Leave) })
}

#[derive(Deserialize, Default)]
pub struct CandidatesQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    kind: String,
}

/// The participant picker for an org (swapped in by htmx when the org changes).
pub async fn participants(
    State(state): State<AppState>,
    page: PageActor,
    Query(q): Query<CandidatesQuery>,
) -> PageResult {
    let (people, presets) = picker(&state, &page, q.org_id.parse().ok(), &q.kind).await?;
    let input = ActivityInput { kind: q.kind, ..Default::default() };
    render(
        &page,
        "participants.html",
        json!({ "people": people, "presets": presets, "chosen": {}, "show": super::activities::shown_sections(&input),
                "counts": attendance_counts(&[]) }),
    )
}

/// The chosen participants as the picker shows them: person id → attendance,
/// leave reason, hours.
pub(super) fn chosen_json(participants: &[ParticipantInput]) -> Value {
    let mut chosen = serde_json::Map::new();
    for p in participants {
        if let Some(id) = p.person_id {
            chosen.insert(
                id.to_string(),
                json!({ "attendance": p.attendance, "leave_reason": p.leave_reason, "hours": p.hours }),
            );
        }
    }
    Value::Object(chosen)
}
