-- Indicators (统计指标): figures that are not counts of records (a coverage
-- rate, a number of facilities, an area, a revenue). An org defines one
-- (for itself and its subtree, or for the orgs of one kind in it); values
-- are kept per org and period. Values are exact: ten-thousandths of the
-- unit in an integer (96.5 is 965000), never a float.

CREATE TABLE indicators (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    org_kind    TEXT,
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    decimals    INTEGER NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 4),
    aggregate   TEXT NOT NULL DEFAULT 'none' CHECK (aggregate IN ('sum', 'none')),
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE UNIQUE INDEX indicators_org_name ON indicators(org_id, name);

CREATE TABLE indicator_values (
    id            INTEGER PRIMARY KEY,
    indicator_id  INTEGER NOT NULL REFERENCES indicators(id),
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    period        TEXT NOT NULL,
    value         INTEGER NOT NULL,
    target        INTEGER,
    last_year     INTEGER,
    note          TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
CREATE UNIQUE INDEX indicator_values_key ON indicator_values(indicator_id, org_id, period);
CREATE INDEX indicator_values_org ON indicator_values(org_id, period);
