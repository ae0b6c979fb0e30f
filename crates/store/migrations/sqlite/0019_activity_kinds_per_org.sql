-- An added activity kind belongs to the office that added it: two offices in
-- different branches may each add a kind of the same name (its code), which
-- the service still refuses when the office already sees one. SQLite cannot
-- change a primary key in place, so the table is rebuilt.
CREATE TABLE activity_kinds_per_org (
    name        TEXT NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (name, org_id)
);
INSERT INTO activity_kinds_per_org (name, org_id, created_at) SELECT name, org_id, created_at FROM activity_kinds;
DROP TABLE activity_kinds;
ALTER TABLE activity_kinds_per_org RENAME TO activity_kinds;
