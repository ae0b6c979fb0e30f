-- Phone search matches the tail of a number (LIKE '%5678'), which no index
-- serves; the index only slowed every insert (bulk roster imports most).
DROP INDEX persons_mobile;
