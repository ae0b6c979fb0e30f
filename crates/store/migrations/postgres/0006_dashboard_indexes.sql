-- Dashboards ask "activities of these orgs and kinds in this year": lead the
-- index with the org. The (kind, date) and (month) indexes lured planners into
-- walking the whole county; per-org access is what every dashboard query wants.

CREATE INDEX activities_org_kind_date ON activities(org_id, kind, date);
-- The monthly counts of an org over a range of months, read from the index alone.
CREATE INDEX activity_counts_org_month ON activity_counts(org_id, month, kind, area_id, n);
-- A whole county over a range of months or days: the range first, then the orgs.
-- (PostgreSQL only: on SQLite these two made district dashboards 15 times slower.)
CREATE INDEX activity_counts_month_org ON activity_counts(month, org_id, kind, area_id, n);
CREATE INDEX activities_date_kind_org ON activities(date, kind, org_id, id);
DROP INDEX activities_kind_date;
DROP INDEX activity_counts_month;
