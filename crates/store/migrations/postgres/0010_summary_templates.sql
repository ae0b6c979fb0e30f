-- An org's own copy of the summary template, edited in the browser. An org
-- without one uses its nearest ancestor's, else the built-in default.

CREATE TABLE summary_templates (
    org_id      BIGINT PRIMARY KEY REFERENCES orgs(id),
    source      TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  TEXT NOT NULL
);
