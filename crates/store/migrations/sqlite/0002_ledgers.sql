-- Work ledgers: work areas, campaigns, activities with participants, channels and
-- items, the per-month counts that dashboards read, and targets with exemptions.

CREATE TABLE work_areas (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES work_areas(id),
    org_id     INTEGER REFERENCES orgs(id),
    name       TEXT NOT NULL,
    sort       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE campaigns (
    id      INTEGER PRIMARY KEY,
    org_id  INTEGER REFERENCES orgs(id),
    name    TEXT NOT NULL
);

CREATE TABLE activities (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    kind          TEXT NOT NULL,
    work_area_id  INTEGER REFERENCES work_areas(id),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    place         TEXT NOT NULL DEFAULT '',
    date          TEXT NOT NULL,
    start_time    TEXT NOT NULL DEFAULT '',
    host          TEXT NOT NULL DEFAULT '',
    others_count  INTEGER NOT NULL DEFAULT 0,
    campaign_id   INTEGER REFERENCES campaigns(id),
    banners       INTEGER NOT NULL DEFAULT 0,
    boards        INTEGER NOT NULL DEFAULT 0,
    posts         INTEGER NOT NULL DEFAULT 0,
    reached       INTEGER NOT NULL DEFAULT 0,
    reported_on   TEXT,
    reported_by   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX activities_org_date ON activities(org_id, date);
CREATE INDEX activities_kind_date ON activities(kind, date);

CREATE TABLE activity_participants (
    activity_id   INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES persons(id),
    attendance    TEXT NOT NULL,
    leave_reason  TEXT NOT NULL DEFAULT '',
    hours         REAL,
    PRIMARY KEY (activity_id, person_id)
);
CREATE INDEX activity_participants_person ON activity_participants(person_id);

CREATE TABLE activity_channels (
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    channel      TEXT NOT NULL,
    PRIMARY KEY (activity_id, channel)
);

-- Role models promoted and materials studied, in order.
CREATE TABLE activity_items (
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    item_kind    TEXT NOT NULL,
    position     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    PRIMARY KEY (activity_id, item_kind, position)
);

-- Maintained in the same transaction as every activity write; dashboards
-- read this instead of scanning activities. area_id 0 means "no area".
CREATE TABLE activity_counts (
    org_id   INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    area_id  INTEGER NOT NULL,
    month    TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind, area_id, month)
);
CREATE INDEX activity_counts_month ON activity_counts(month);

CREATE TABLE targets (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    year             INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    frequency        TEXT NOT NULL,
    min_count        INTEGER NOT NULL,
    include_subtree  INTEGER NOT NULL DEFAULT 0,
    title            TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX targets_org_year ON targets(org_id, year);

CREATE TABLE target_exemptions (
    target_id   INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    reason      TEXT NOT NULL
);

-- The default work areas, after the sections of a work summary.
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (1, NULL, NULL, '意识形态工作', 1);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (2, NULL, NULL, '理论学习', 2);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (3, 2, NULL, '党委理论中心组学习', 1);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (4, 2, NULL, '“党旗领航·周五学习”', 2);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (5, NULL, NULL, '宣传工作', 3);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (6, 5, NULL, '正面宣传与外宣', 1);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (7, 5, NULL, '疫情防控宣传', 2);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (8, 5, NULL, '扫黑除恶专项斗争宣传', 3);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (9, 5, NULL, '卫生计生政策宣传', 4);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (10, 5, NULL, '社会治安综合治理宣传', 5);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (11, NULL, NULL, '精神文明建设', 4);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (12, 11, NULL, '学雷锋志愿服务', 1);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (13, 11, NULL, '人居环境改善', 2);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (14, 11, NULL, '环境卫生整治', 3);
INSERT INTO work_areas (id, parent_id, org_id, name, sort) VALUES (15, NULL, NULL, '疫情防控', 5);

-- Campaigns named in the seed summary, shared by every org.
INSERT INTO campaigns (id, org_id, name) VALUES (1, NULL, '自治县成立30周年');
INSERT INTO campaigns (id, org_id, name) VALUES (2, NULL, '扫黑除恶专项斗争');
INSERT INTO campaigns (id, org_id, name) VALUES (3, NULL, '中央环保督查回头看');
INSERT INTO campaigns (id, org_id, name) VALUES (4, NULL, '脱贫攻坚');
INSERT INTO campaigns (id, org_id, name) VALUES (5, NULL, '乡村振兴');
INSERT INTO campaigns (id, org_id, name) VALUES (6, NULL, '新时代文明实践');
INSERT INTO campaigns (id, org_id, name) VALUES (7, NULL, '疫情防控');
INSERT INTO campaigns (id, org_id, name) VALUES (8, NULL, '“县庆县礼我在一线”');
INSERT INTO campaigns (id, org_id, name) VALUES (9, NULL, '卫生计生');
INSERT INTO campaigns (id, org_id, name) VALUES (10, NULL, '社会治安综合治理');
