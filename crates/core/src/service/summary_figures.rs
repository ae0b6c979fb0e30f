//! The period's activities grouped by kind, work area, campaign, channel and
//! sub-org ([`Figures`]): generic figures for any office, chosen by ids and
//! codes, never by words in names.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::ledger::{Activity, Campaign, WorkArea, channel_label};
use crate::model::{Id, Org};
use crate::summary::{Figure, Figures, Group, KindCount, MonthCount};

/// How many titles a group lists.
const MAX_TITLES: usize = 12;

/// What a group needs to cite the list behind a large count.
struct Citer<'a> {
    org_id: Id,
    period: &'a str,
}

impl Citer<'_> {
    fn figure(&self, list: &[&Activity], filter: Option<String>) -> Figure {
        let ids: Vec<Id> = list.iter().map(|a| a.id).collect();
        let filter = filter.map(|f| format!("activities:org_id={}&period={}{f}", self.org_id, self.period));
        Figure::cited("activity", &ids, filter)
    }
}

/// One group of activities: its figure, sums, titles, kinds and months.
fn group(
    key: String,
    name: String,
    list: &[&Activity],
    filter: Option<String>,
    kinds: &[(String, String)],
    citer: &Citer,
) -> Group {
    let mut g = Group { key, name, count: citer.figure(list, filter), ..Default::default() };
    g.own = g.count.clone();
    for a in list {
        let f = &a.fields;
        g.people += u64::from(f.present_count());
        g.others += u64::from(f.others_count);
        g.hours += f.service_hours();
        g.banners += u64::from(f.quantities.banners);
        g.boards += u64::from(f.quantities.boards);
        g.posts += u64::from(f.quantities.posts);
        g.reached += u64::from(f.quantities.reached);
    }
    // Hours as people write them, and never "-0".
    g.hours = ((g.hours * 10.0).round() / 10.0).max(0.0) + 0.0;
    // The store gives activities in date order and every list here keeps
    // it; a list that does not is sorted first.
    let in_order = list.is_sorted_by_key(|a| (a.fields.date, a.id));
    let mut sorted_copy: Vec<&Activity> = Vec::new();
    let ordered: &[&Activity] = if in_order {
        list
    } else {
        sorted_copy.extend(list.iter().copied());
        sorted_copy.sort_by_key(|a| (a.fields.date, a.id));
        &sorted_copy
    };
    for a in ordered {
        if g.titles.len() >= MAX_TITLES {
            break;
        }
        let title = a.fields.title.trim();
        if !title.is_empty() && !g.titles.iter().any(|t| t == title) {
            g.titles.push(title.to_owned());
        }
    }
    // One pass by kind and by month.
    let mut by_kind: std::collections::HashMap<&str, Vec<&Activity>> = std::collections::HashMap::new();
    let mut months: BTreeMap<(i32, u32), Vec<&Activity>> = BTreeMap::new();
    for a in ordered {
        by_kind.entry(a.fields.kind.as_str()).or_default().push(a);
        months.entry((a.fields.date.year(), a.fields.date.month())).or_default().push(a);
    }
    for (code, label) in kinds {
        if let Some(of) = by_kind.get(code.as_str()) {
            g.kinds.push(KindCount { kind: code.clone(), label: label.clone(), count: citer.figure(of, None) });
        }
    }
    g.months = months
        .into_iter()
        .map(|((year, month), of)| MonthCount { year, month, count: citer.figure(&of, None) })
        .collect();
    g
}

/// The activities `all` (of `org`'s subtree `tree`, in the period `period`)
/// grouped every way; `kinds`, `areas` and `campaigns` are those the actor
/// may use, in their order.
pub(super) fn figures(
    all: &[Activity],
    org: &Org,
    tree: &[Org],
    period: &str,
    kinds: &[(String, String)],
    areas: &[WorkArea],
    campaigns: &[Campaign],
) -> Figures {
    let citer = Citer { org_id: org.id, period };
    let every: Vec<&Activity> = all.iter().collect();
    let by = |test: &dyn Fn(&Activity) -> bool| every.iter().copied().filter(|a| test(a)).collect::<Vec<_>>();
    let mut out = Figures {
        all: group(String::new(), org.name.clone(), &every, Some(String::new()), kinds, &citer),
        ..Default::default()
    };

    for (code, label) in kinds {
        let list = by(&|a| a.fields.kind == *code);
        if !list.is_empty() {
            out.by_kind.push(group(code.clone(), label.clone(), &list, Some(format!("&kind={code}")), kinds, &citer));
        }
    }

    // Areas: each top-level area with its sub-areas rolled up, then each
    // sub-area alone. An area's subtree is found by walking parents.
    let top_of = |id: Id| {
        let mut at = areas.iter().find(|w| w.id == id)?;
        for _ in 0..16 {
            match at.parent_id.and_then(|p| areas.iter().find(|w| w.id == p)) {
                Some(parent) => at = parent,
                None => break,
            }
        }
        Some(at.id)
    };
    for top in areas.iter().filter(|w| w.parent_id.is_none()) {
        let list = by(&|a| a.fields.work_area_id.and_then(top_of) == Some(top.id));
        if list.is_empty() {
            continue;
        }
        let mut g = group(top.id.to_string(), top.name.clone(), &list, None, kinds, &citer);
        g.own = citer.figure(&by(&|a| a.fields.work_area_id == Some(top.id)), None);
        out.by_area.push(g);
        for sub in areas.iter().filter(|w| w.parent_id.is_some() && top_of(w.id) == Some(top.id)) {
            let list = by(&|a| a.fields.work_area_id == Some(sub.id));
            if !list.is_empty() {
                let mut g = group(sub.id.to_string(), sub.name.clone(), &list, None, kinds, &citer);
                g.parent = sub.parent_id.and_then(|p| areas.iter().find(|w| w.id == p)).map(|w| w.name.clone());
                out.by_area.push(g);
            }
        }
    }

    let loose = by(&|a| a.fields.work_area_id.and_then(top_of).is_none());
    out.without_area = group(String::new(), String::new(), &loose, None, kinds, &citer);

    for c in campaigns {
        let list = by(&|a| a.fields.campaign_id == Some(c.id));
        if !list.is_empty() {
            let filter = Some(format!("&campaign_id={}", c.id));
            out.by_campaign.push(group(c.id.to_string(), c.name.clone(), &list, filter, kinds, &citer));
        }
    }

    // Channels in the order they are listed everywhere, then any others.
    let mut codes: Vec<String> = crate::ledger::CHANNELS.iter().map(|(c, _)| (*c).to_owned()).collect();
    for a in all {
        for c in &a.fields.channels {
            if !codes.contains(c) {
                codes.push(c.clone());
            }
        }
    }
    for code in codes {
        let list = by(&|a| a.fields.channels.contains(&code));
        if !list.is_empty() {
            let name = channel_label(&code).unwrap_or(&code).to_owned();
            out.by_channel.push(group(code.clone(), name, &list, None, kinds, &citer));
        }
    }

    for child in tree.iter().filter(|o| o.parent_id == Some(org.id)) {
        let inside: Vec<Id> = tree.iter().filter(|o| o.path.starts_with(&child.path)).map(|o| o.id).collect();
        let list = by(&|a| inside.contains(&a.fields.org_id));
        if !list.is_empty() {
            let mut g = group(child.id.to_string(), child.name.clone(), &list, None, kinds, &citer);
            g.count = Figure::cited(
                "activity",
                &list.iter().map(|a| a.id).collect::<Vec<_>>(),
                Some(format!("activities:org_id={}&period={period}", child.id)),
            );
            out.by_org.push(g);
        }
    }
    out
}

/// The sections of a composition with the figures of the activities each
/// takes (see [`crate::composition::Binding`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn composed(
    composition: &crate::composition::Composition,
    all: &[Activity],
    org: &Org,
    tree: &[Org],
    period: &str,
    kinds: &[(String, String)],
    areas: &[WorkArea],
    campaigns: &[Campaign],
) -> Vec<crate::summary::ComposedSection> {
    let citer = Citer { org_id: org.id, period };
    // The chain of an area up to the top: itself first.
    let chain = |id: Id| {
        let mut out = vec![id];
        let mut at = areas.iter().find(|w| w.id == id);
        while let Some(parent) = at.and_then(|w| w.parent_id) {
            if out.contains(&parent) || out.len() > 16 {
                break;
            }
            out.push(parent);
            at = areas.iter().find(|w| w.id == parent);
        }
        out
    };
    // Each area's chain, found once: sections ask it of every activity.
    let chains: std::collections::HashMap<Id, Vec<Id>> = areas.iter().map(|w| (w.id, chain(w.id))).collect();
    let has_area = |a: &Activity| a.fields.work_area_id.is_some_and(|id| chains.contains_key(&id));
    let under = |a: &Activity, area: Id| {
        a.fields.work_area_id.and_then(|id| chains.get(&id)).is_some_and(|chain| chain.contains(&area))
    };
    // Each org of the subtree → the direct sub-org it lies under, found
    // once: sections ask it of every activity.
    let children: Vec<&Org> = tree.iter().filter(|o| o.parent_id == Some(org.id)).collect();
    let under_child: std::collections::HashMap<Id, Id> = tree
        .iter()
        .filter_map(|t| children.iter().find(|c| t.path.starts_with(&c.path)).map(|c| (t.id, c.id)))
        .collect();
    let in_org = |a: &Activity, o: Id| under_child.get(&a.fields.org_id) == Some(&o);
    composition
        .sections
        .iter()
        .map(|s| {
            let b = &s.binding;
            let list: Vec<&Activity> = all
                .iter()
                .filter(|a| b.areas.is_empty() || b.areas.iter().any(|&w| under(a, w)))
                .filter(|a| !b.no_area || !has_area(a))
                .filter(|a| b.kinds.is_empty() || b.kinds.contains(&a.fields.kind))
                .filter(|a| b.campaigns.is_empty() || a.fields.campaign_id.is_some_and(|c| b.campaigns.contains(&c)))
                .filter(|a| b.orgs.is_empty() || b.orgs.iter().any(|&o| in_org(a, o)))
                .filter(|a| b.months.is_empty() || b.months.contains(&a.fields.date.month()))
                .collect();
            let of = |test: &dyn Fn(&Activity) -> bool| list.iter().copied().filter(|a| test(a)).collect::<Vec<_>>();
            let mut out = crate::summary::ComposedSection {
                heading: s.heading.trim().to_owned(),
                level: s.level.clamp(1, 3),
                parts: s.parts.iter().map(|p| p.as_str().to_owned()).collect(),
                binding: b.clone(),
                group: group(String::new(), s.heading.clone(), &list, None, kinds, &citer),
                text: s.text.clone(),
                ..Default::default()
            };
            let has = |p: crate::composition::Part| s.parts.contains(&p);
            if has(crate::composition::Part::SubAreas) {
                for &bound in &b.areas {
                    for sub in areas.iter().filter(|w| w.parent_id == Some(bound)) {
                        let inside = of(&|a| under(a, sub.id));
                        if !inside.is_empty() {
                            let mut g = group(sub.id.to_string(), sub.name.clone(), &inside, None, kinds, &citer);
                            g.parent = areas.iter().find(|w| w.id == bound).map(|w| w.name.clone());
                            out.sub_areas.push(g);
                        }
                    }
                }
            }
            if has(crate::composition::Part::Campaigns) {
                for c in campaigns.iter().filter(|c| b.campaigns.is_empty() || b.campaigns.contains(&c.id)) {
                    let inside = of(&|a| a.fields.campaign_id == Some(c.id));
                    if !inside.is_empty() {
                        out.campaigns.push(group(c.id.to_string(), c.name.clone(), &inside, None, kinds, &citer));
                    }
                }
            }
            if has(crate::composition::Part::SubOrgs) {
                for child in &children {
                    if !b.orgs.is_empty() && !b.orgs.contains(&child.id) {
                        continue;
                    }
                    let inside = of(&|a| in_org(a, child.id));
                    if !inside.is_empty() {
                        out.orgs.push(group(child.id.to_string(), child.name.clone(), &inside, None, kinds, &citer));
                    }
                }
            }
            out
        })
        .collect()
}
