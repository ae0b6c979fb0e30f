-- The grid worker's day: households listed in the order addresses read, and
-- health readings that remember the account that entered them.
-- `address_key` is `taizhang_core::grid::address_key(address)`, compared byte
-- by byte (hence the "C" collation); the store fills it for rows written
-- before this migration when it opens (found by the partial index).
ALTER TABLE households ADD COLUMN address_key TEXT COLLATE "C";
CREATE INDEX households_address_key ON households(org_id, address_key);
CREATE INDEX households_without_key ON households(id) WHERE address_key IS NULL;

ALTER TABLE health_checks ADD COLUMN recorded_by BIGINT REFERENCES users(id);
