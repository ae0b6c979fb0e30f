//! Taizhang's domain: the types, rules and services of grassroots work
//! ledgers. This crate knows nothing of HTTP or SQL; storage is reached
//! through the [`store::Store`] trait.

pub mod audit;
pub mod audit_labels;
pub mod auth;
pub mod care;
pub mod cases;
pub mod composition;
pub mod error;
pub mod evidence;
pub mod grid;
pub mod id_number;
pub mod indicator;
pub mod input;
pub mod ledger;
pub mod mobile;
pub mod model;
pub mod numerals;
pub mod period;
pub mod project;
pub mod purpose;
pub mod reporting;
pub mod responsibility;
pub mod review;
pub mod search_keys;
pub mod service;
pub mod store;
pub mod summary;
pub mod target;

pub use error::{Error, FieldError, Result};
pub use service::Services;
