-- The responsibility system (duties, pledges), matters handled over time
-- (ideology problems, petitions, disputes), projects with progress, and the
-- problems and plans of a period. Files attached to pledges and progress
-- updates live in attachments, in the database like evidence.

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE duties (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES orgs(id),
    person_id          INTEGER NOT NULL REFERENCES persons(id),
    post               TEXT NOT NULL,
    first_responsible  INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX duties_org ON duties(org_id);
CREATE UNIQUE INDEX duties_one_first ON duties(org_id) WHERE first_responsible = 1;
CREATE UNIQUE INDEX duties_person_org ON duties(org_id, person_id);

-- Work areas assigned beside a post (一岗双责).
CREATE TABLE duty_areas (
    duty_id  INTEGER NOT NULL REFERENCES duties(id),
    area_id  INTEGER NOT NULL REFERENCES work_areas(id),
    PRIMARY KEY (duty_id, area_id)
);

CREATE TABLE pledges (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    year         INTEGER NOT NULL,
    signer_id    INTEGER NOT NULL REFERENCES persons(id),
    counterpart  TEXT NOT NULL,
    signed_on    TEXT NOT NULL,
    duties       TEXT NOT NULL DEFAULT '',
    scan_id      INTEGER REFERENCES attachments(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX pledges_org ON pledges(org_id, year);

CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    kind         TEXT NOT NULL,
    received_on  TEXT NOT NULL,
    parties      TEXT NOT NULL DEFAULT '',
    matter       TEXT NOT NULL,
    reported_by  TEXT NOT NULL DEFAULT '',
    handler      TEXT NOT NULL DEFAULT '',
    deadline     TEXT,
    outcome      TEXT,
    resolution   TEXT NOT NULL DEFAULT '',
    closed_on    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX cases_org ON cases(org_id, received_on);

CREATE TABLE case_steps (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    date        TEXT NOT NULL,
    text        TEXT NOT NULL,
    by_name     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps(case_id);

CREATE TABLE projects (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    started_on   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX projects_org ON projects(org_id);

CREATE TABLE project_milestones (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    done_on     TEXT
);
CREATE INDEX project_milestones_project ON project_milestones(project_id, position);

CREATE TABLE project_progress (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    date        TEXT NOT NULL,
    percent     INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    photo_id    INTEGER REFERENCES attachments(id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX project_progress_project ON project_progress(project_id, date);

CREATE TABLE review_items (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    period      TEXT NOT NULL,
    section     TEXT NOT NULL,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX review_items_org ON review_items(org_id, period, section, position);
CREATE UNIQUE INDEX review_items_source ON review_items(org_id, period, source) WHERE source <> '';

CREATE TABLE review_dismissals (
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    period      TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, period, source)
);
