-- Monthly study plans (每月学习计划) of a study group, each item possibly carried
-- out by one session; and rectification orders (整改通知) found in inspections.

CREATE TABLE study_plan_items (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    topic        TEXT NOT NULL,
    materials    TEXT NOT NULL DEFAULT '',
    activity_id  INTEGER REFERENCES activities(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX study_plan_items_org_year ON study_plan_items(org_id, year, month);

CREATE TABLE rectifications (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL REFERENCES orgs(id),
    activity_id          INTEGER REFERENCES activities(id),
    subject              TEXT NOT NULL,
    problem              TEXT NOT NULL,
    requirement          TEXT NOT NULL DEFAULT '',
    found_on             TEXT NOT NULL,
    deadline             TEXT NOT NULL,
    rectified_on         TEXT,
    reinspected_on       TEXT,
    reinspected_by       TEXT NOT NULL DEFAULT '',
    reinspection_passed  INTEGER,
    reinspection_note    TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX rectifications_org ON rectifications(org_id, deadline);
