-- Activity kinds added by administrators beside the built-in ones. An added
-- kind's name is also its code.

CREATE TABLE activity_kinds (
    name        TEXT PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    created_at  TIMESTAMPTZ NOT NULL
);
