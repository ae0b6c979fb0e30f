-- Ids are never given again after a delete: without AUTOINCREMENT SQLite
-- reuses the largest id once its row is deleted, so a saved summary's link
-- to a deleted activity could open a later one. Each table keyed by
-- `id INTEGER PRIMARY KEY` is rebuilt with AUTOINCREMENT by the Rust step of
-- this migration (`migrate.rs`, `sqlite_autoincrement`), which keeps each
-- table's own SQL, copies its rows, makes its indexes and triggers again and
-- starts `sqlite_sequence` from the largest id there is.
SELECT 1;
