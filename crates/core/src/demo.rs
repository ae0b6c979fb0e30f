//! The demo district.
