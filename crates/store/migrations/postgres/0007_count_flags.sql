-- The dashboard's "without evidence" and "not reported" figures, kept in the
-- monthly aggregate beside n so that no dashboard query scans activities:
-- with_evidence counts the activities of the bucket with at least one evidence
-- file, reported those with a platform report date.
ALTER TABLE activity_counts ADD COLUMN with_evidence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE activity_counts ADD COLUMN reported BIGINT NOT NULL DEFAULT 0;

UPDATE activity_counts c SET with_evidence = s.with_evidence, reported = s.reported
FROM (
    SELECT a.org_id, a.kind, COALESCE(a.work_area_id, 0) AS area_id, to_char(a.date, 'YYYY-MM') AS month,
           COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM evidence e WHERE e.activity_id = a.id)) AS with_evidence,
           COUNT(*) FILTER (WHERE a.reported_on IS NOT NULL) AS reported
    FROM activities a
    GROUP BY 1, 2, 3, 4
) s
WHERE c.org_id = s.org_id AND c.kind = s.kind AND c.area_id = s.area_id AND c.month = s.month;

DROP INDEX activity_counts_org_month;
DROP INDEX activity_counts_month_org;
CREATE INDEX activity_counts_org_month ON activity_counts(org_id, month, kind, area_id, n, with_evidence, reported);
CREATE INDEX activity_counts_month_org ON activity_counts(month, org_id, kind, area_id, n, with_evidence, reported);
