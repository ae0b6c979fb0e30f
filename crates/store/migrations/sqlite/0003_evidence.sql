-- Evidence (佐证材料): photos and files of an activity, kept in the database
-- so that a backup of the database is a backup of everything.

CREATE TABLE evidence (
    id            INTEGER PRIMARY KEY,
    activity_id   INTEGER NOT NULL REFERENCES activities(id),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    thumbnail     BLOB,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX evidence_activity ON evidence(activity_id);
