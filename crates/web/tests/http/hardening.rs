//! Regression tests of the hardening issue (filled in below).
