-- The summary's topics (用于总结的专题): a code from a fixed list on a
-- campaign, a work area or an org (a leading group), by which the summary
-- finds its sections' records whatever they are named.
ALTER TABLE campaigns ADD COLUMN purpose TEXT;
ALTER TABLE work_areas ADD COLUMN purpose TEXT;
ALTER TABLE orgs ADD COLUMN purpose TEXT;

-- The shared campaigns and work areas of migration 0002, by id.
UPDATE campaigns SET purpose = 'anti_crime' WHERE id = 2;
UPDATE campaigns SET purpose = 'epidemic' WHERE id = 7;
UPDATE campaigns SET purpose = 'health' WHERE id = 9;
UPDATE campaigns SET purpose = 'public_security' WHERE id = 10;
UPDATE work_areas SET purpose = 'theory_study' WHERE id = 2;
UPDATE work_areas SET purpose = 'epidemic' WHERE id IN (7, 15);
UPDATE work_areas SET purpose = 'anti_crime' WHERE id = 8;
UPDATE work_areas SET purpose = 'health' WHERE id = 9;
UPDATE work_areas SET purpose = 'public_security' WHERE id = 10;

-- Projects: a category of the office's choosing (基础设施, 民生工程 ...) and
-- numeric measures (面积 5200 平方米, 泊位 120 个, 金额 350 万元).
ALTER TABLE projects ADD COLUMN category TEXT NOT NULL DEFAULT '';

CREATE TABLE project_measures (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    value       REAL NOT NULL,
    unit        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_measures_project ON project_measures(project_id, position);
