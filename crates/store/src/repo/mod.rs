//! The SQL, written once for both engines, and the `Store` implementation
//! (`store.rs`) that runs it on blocking threads. One file per practice;
//! `sql.rs` holds the helpers they share.

mod activities;
mod activity_counts;
mod attachments;
mod audit;
mod care;
mod cases;
mod catalogue;
mod compositions;
mod evidence;
mod households;
mod indicators;
mod orgs;
mod people;
mod plans;
mod projects;
mod reporting;
mod responsibility;
mod reviews;
mod roster;
mod screening;
mod sql;
mod store;
mod summaries;
mod targets;
mod users;

pub(crate) use households::fill_address_keys;
pub(crate) use people::{FORCED_PLAN, fill_search_terms};
pub(crate) use sql::insert_rows;
#[cfg(test)]
pub(crate) use sql::planned_for_values;
