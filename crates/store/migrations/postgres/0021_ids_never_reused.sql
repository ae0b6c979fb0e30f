-- Ids are never given again after a delete. PostgreSQL's identity columns
-- draw from sequences, which never go back: nothing to change here. SQLite
-- rebuilds its id-keyed tables with AUTOINCREMENT in this migration.
SELECT 1;
