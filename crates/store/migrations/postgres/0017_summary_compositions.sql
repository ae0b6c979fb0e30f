-- An org's summary composition (总结构成): the ordered sections staff
-- arranged in the composer, as JSON. An org without one uses its nearest
-- ancestor's, else the default built from its own work areas.

CREATE TABLE summary_compositions (
    org_id      BIGINT PRIMARY KEY REFERENCES orgs(id),
    body        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL
);

-- The draft of an org's summary of a period, edited in the browser before
-- export: the markup as staff left it and the facts (JSON) it was generated
-- from, so that an edited figure and records changed since can be flagged.
CREATE TABLE summary_drafts (
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    period      TEXT NOT NULL,
    markup      TEXT NOT NULL,
    generated   TEXT NOT NULL,
    data        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL,
    PRIMARY KEY (org_id, period)
);
