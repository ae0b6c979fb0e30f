-- The account that entered each activity, so that a new record can start
-- from the last one of its kind the same account entered ("复制上一条").
-- Records entered before are given theirs from the audit log's create entries.
ALTER TABLE activities ADD COLUMN recorded_by BIGINT REFERENCES users(id);
UPDATE activities SET recorded_by = (
    SELECT l.user_id FROM audit_log l
    WHERE l.entity = 'activity' AND l.action = 'create' AND l.entity_id = activities.id
      AND l.user_id IN (SELECT id FROM users)
    ORDER BY l.id LIMIT 1
);
CREATE INDEX activities_recorded_by ON activities(recorded_by, kind, id);
