-- Upward reporting (上报): report tasks an org sets for the orgs below it,
-- and each org's submission of each period of a task: its figures (JSON,
-- prefilled from the ledgers, corrected only with a reason), the frozen
-- snapshot of each round submitted, the thread of decisions and comments,
-- and reminders (催报) of overdue submissions. An approved submission locks
-- the period's activities of its org's subtree (checked on every change of
-- an activity by `report_locks`).

CREATE TABLE report_tasks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    cadence         TEXT NOT NULL CHECK (cadence IN ('day', 'week', 'month', 'quarter', 'half', 'year')),
    first_period    TEXT NOT NULL,
    last_period     TEXT,
    due_days        INTEGER NOT NULL DEFAULT 0,
    org_kinds       TEXT NOT NULL DEFAULT '',
    fields          TEXT NOT NULL,
    attach_summary  INTEGER NOT NULL DEFAULT 0,
    locks           INTEGER NOT NULL DEFAULT 0,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX report_tasks_org ON report_tasks(org_id);

CREATE TABLE report_submissions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id             INTEGER NOT NULL REFERENCES report_tasks(id),
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    period              TEXT NOT NULL,
    period_start        TEXT NOT NULL,
    period_end          TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'approved')),
    figures             TEXT NOT NULL,
    summary_id          INTEGER REFERENCES summaries(id),
    round               INTEGER NOT NULL DEFAULT 0,
    hash                TEXT NOT NULL DEFAULT '',
    submitted_at        TEXT,
    submitted_by        TEXT,
    first_submitted_on  TEXT,
    decided_at          TEXT,
    decided_by          TEXT,
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL
);
CREATE UNIQUE INDEX report_submissions_key ON report_submissions(task_id, period, org_id);
CREATE INDEX report_submissions_org ON report_submissions(org_id, state);
-- Approved submissions of tasks that count activities, for the lock check.
CREATE INDEX report_submissions_locks ON report_submissions(state, period_end, period_start);

CREATE TABLE report_snapshots (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id  INTEGER NOT NULL REFERENCES report_submissions(id),
    round          INTEGER NOT NULL,
    figures        TEXT NOT NULL,
    summary_id     INTEGER REFERENCES summaries(id),
    hash           TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    submitted_by   TEXT NOT NULL
);
CREATE UNIQUE INDEX report_snapshots_round ON report_snapshots(submission_id, round);

CREATE TABLE report_comments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id  INTEGER NOT NULL REFERENCES report_submissions(id),
    kind           TEXT NOT NULL,
    text           TEXT NOT NULL DEFAULT '',
    written_at  TEXT NOT NULL,
    written_by  TEXT NOT NULL
);
CREATE INDEX report_comments_submission ON report_comments(submission_id, id);

CREATE TABLE report_reminders (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id  INTEGER NOT NULL REFERENCES report_tasks(id),
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    period   TEXT NOT NULL,
    written_at  TEXT NOT NULL,
    written_by  TEXT NOT NULL
);
CREATE INDEX report_reminders_org ON report_reminders(org_id, task_id, period);
