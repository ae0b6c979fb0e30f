-- Grid work: households and their residents, screening campaigns with visits
-- and each person's status, key groups with entries and exits, care plans,
-- follow-ups, health checks and the disinfection log.
-- `grid_id` is repeated on residents, visits and person statuses so that a
-- campaign's coverage is a handful of grouped index counts.

CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    address     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX households_address ON households(org_id, address);

CREATE TABLE residents (
    person_id     INTEGER PRIMARY KEY REFERENCES persons(id),
    household_id  INTEGER NOT NULL REFERENCES households(id),
    grid_id       INTEGER NOT NULL REFERENCES orgs(id),
    relation      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_grid ON residents(grid_id);

CREATE TABLE screenings (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX screenings_org ON screenings(org_id);

CREATE TABLE screening_grids (
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    grid_id       INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (screening_id, grid_id)
);

CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    household_id  INTEGER NOT NULL REFERENCES households(id),
    grid_id       INTEGER NOT NULL REFERENCES orgs(id),
    visited_on    TEXT NOT NULL,
    visitor       TEXT NOT NULL,
    result        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX visits_screening ON visits(screening_id, grid_id, household_id);
CREATE INDEX visits_household ON visits(household_id);

-- Each person's latest status in a campaign.
CREATE TABLE person_statuses (
    screening_id  INTEGER NOT NULL REFERENCES screenings(id),
    person_id     INTEGER NOT NULL REFERENCES persons(id),
    grid_id       INTEGER NOT NULL REFERENCES orgs(id),
    status        TEXT NOT NULL,
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    PRIMARY KEY (screening_id, person_id)
);
CREATE INDEX person_statuses_grid ON person_statuses(screening_id, grid_id);

CREATE TABLE key_groups (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX key_groups_name ON key_groups(org_id, name);

-- Entries into and exits from key groups; history is kept, at most one open
-- entry per person and group.
CREATE TABLE key_persons (
    id            INTEGER PRIMARY KEY,
    key_group_id  INTEGER NOT NULL REFERENCES key_groups(id),
    person_id     INTEGER NOT NULL REFERENCES persons(id),
    entered_on    TEXT NOT NULL,
    enter_reason  TEXT NOT NULL,
    left_on       TEXT,
    leave_reason  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX key_persons_person ON key_persons(person_id);
CREATE UNIQUE INDEX key_persons_open ON key_persons(key_group_id, person_id) WHERE left_on IS NULL;

-- One care plan per person (一人一策).
CREATE TABLE care_plans (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL UNIQUE REFERENCES persons(id),
    cadre_id    INTEGER NOT NULL REFERENCES persons(id),
    measures    TEXT NOT NULL,
    every_days  INTEGER NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX care_plans_cadre ON care_plans(cadre_id);

CREATE TABLE follow_ups (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    done_on     TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    findings    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX follow_ups_person ON follow_ups(person_id, done_on);

CREATE TABLE health_checks (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES persons(id),
    checked_at   TEXT NOT NULL,
    temperature  REAL NOT NULL,
    symptoms     TEXT NOT NULL DEFAULT '',
    by_name      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX health_checks_person ON health_checks(person_id, checked_at);

CREATE TABLE disinfections (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    place       TEXT NOT NULL,
    done_at     TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    agent       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX disinfections_org ON disinfections(org_id, done_at);
