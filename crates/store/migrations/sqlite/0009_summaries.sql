-- Generated summaries kept as sent: the markup the template produced and the
-- facts it came from, so that later changes in the ledgers never change a
-- document already sent.

CREATE TABLE summaries (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    period      TEXT NOT NULL,
    title       TEXT NOT NULL,
    markup      TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX summaries_org ON summaries(org_id, period, id);
