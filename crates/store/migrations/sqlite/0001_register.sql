-- The register: organisations, people, memberships, accounts, sessions, audit log.
-- Timestamps are RFC 3339 text in UTC with microseconds; dates are YYYY-MM-DD.

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES orgs(id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    path        TEXT NOT NULL,
    closed_at   TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX orgs_path ON orgs(path);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE INDEX orgs_name ON orgs(name);

CREATE TABLE persons (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    name           TEXT NOT NULL,
    name_pinyin    TEXT NOT NULL,
    name_initials  TEXT NOT NULL,
    gender         TEXT,
    birth_date     TEXT,
    id_number      TEXT,
    mobile         TEXT,
    party_member   INTEGER NOT NULL DEFAULT 0,
    notes          TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX persons_id_number ON persons(id_number);
CREATE INDEX persons_org ON persons(org_id, name_pinyin);
CREATE INDEX persons_mobile ON persons(mobile);

CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    role        TEXT NOT NULL,
    started_on  TEXT,
    ended_on    TEXT,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_org ON memberships(org_id);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    username           TEXT NOT NULL UNIQUE,
    display_name       TEXT NOT NULL,
    role               TEXT NOT NULL,
    org_id             INTEGER NOT NULL REFERENCES orgs(id),
    can_view_personal  INTEGER NOT NULL DEFAULT 0,
    disabled           INTEGER NOT NULL DEFAULT 0,
    password_hash      TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL,
    ip          TEXT,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    org_id      INTEGER,
    org_path    TEXT,
    before      TEXT,
    after       TEXT,
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);

-- Append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
