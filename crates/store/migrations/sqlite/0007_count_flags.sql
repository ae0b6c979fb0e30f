-- The dashboard's "without evidence" and "not reported" figures, kept in the
-- monthly aggregate beside n so that no dashboard query scans activities:
-- with_evidence counts the activities of the bucket with at least one evidence
-- file, reported those with a platform report date.
ALTER TABLE activity_counts ADD COLUMN with_evidence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity_counts ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;

UPDATE activity_counts SET
    with_evidence = (
        SELECT COUNT(*) FROM activities a
        WHERE a.org_id = activity_counts.org_id AND a.kind = activity_counts.kind
          AND COALESCE(a.work_area_id, 0) = activity_counts.area_id
          AND substr(a.date, 1, 7) = activity_counts.month
          AND EXISTS (SELECT 1 FROM evidence e WHERE e.activity_id = a.id)),
    reported = (
        SELECT COUNT(*) FROM activities a
        WHERE a.org_id = activity_counts.org_id AND a.kind = activity_counts.kind
          AND COALESCE(a.work_area_id, 0) = activity_counts.area_id
          AND substr(a.date, 1, 7) = activity_counts.month
          AND a.reported_on IS NOT NULL);

DROP INDEX activity_counts_org_month;
CREATE INDEX activity_counts_org_month ON activity_counts(org_id, month, kind, area_id, n, with_evidence, reported);
