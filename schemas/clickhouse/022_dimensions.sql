-- Names and the category tree for the dashboards' variables and labels (dashboards/): every code
-- the events carry with its latest name, and every category at any level of the tree with its
-- path, so a filter on a category (any level) matches the tickets, spikes and hotspots under it.
-- Fed by materialized views on events, and filled once from the events already stored.
CREATE TABLE IF NOT EXISTS dimension_names
(
    kind      LowCardinality(String) COMMENT 'district 区, street 街道, community 社区, department 承办单位 | What the code names',
    code      String                 COMMENT '编码 | Code',
    name      String                 COMMENT '名称(最近一次出现) | Name, as last seen',
    last_seen DateTime64(3, 'UTC')   COMMENT '最近出现的事件时间 | Event time it was last seen'
)
ENGINE = ReplacingMergeTree(last_seen)
ORDER BY (kind, code)
COMMENT 'Names of districts, streets, communities and departments; read with FINAL | 维度名称';

CREATE MATERIALIZED VIEW IF NOT EXISTS dimension_names_mv TO dimension_names AS
SELECT d.1 AS kind, d.2 AS code, argMax(d.3, occurred_at) AS name, max(occurred_at) AS last_seen
FROM events
ARRAY JOIN [('district', toString(district_code), toString(district_name)), ('street', toString(street_code), toString(street_name)),
            ('community', community_code, community_name), ('department', toString(department_code), toString(department_name))] AS d
WHERE d.2 != '' AND d.3 != ''
GROUP BY kind, code;

INSERT INTO dimension_names
SELECT d.1 AS kind, d.2 AS code, argMax(d.3, occurred_at) AS name, max(occurred_at) AS last_seen
FROM events
ARRAY JOIN [('district', toString(district_code), toString(district_name)), ('street', toString(street_code), toString(street_name)),
            ('community', community_code, community_name), ('department', toString(department_code), toString(department_name))] AS d
WHERE d.2 != '' AND d.3 != ''
GROUP BY kind, code;

CREATE TABLE IF NOT EXISTS category_tree
(
    code      String                 COMMENT '分类编码(任一层级) | Category code, any level',
    name      String                 COMMENT '分类名称 | Category name',
    level     UInt8                  COMMENT '层级, 1 = 一级 | Level in the tree, 1 = top',
    parent    String                 COMMENT '上级分类编码, 一级为空 | Parent code, empty at the top',
    path      Array(String)          COMMENT '从根到本级的编码(含本级) | Codes from the root down to this one, itself included',
    last_seen DateTime64(3, 'UTC')   COMMENT '最近出现的事件时间 | Event time it was last seen'
)
ENGINE = ReplacingMergeTree(last_seen)
ORDER BY code
COMMENT 'Every category of any level with its path; filter with hasAny(path, [...]) and read with FINAL | 分类树';

CREATE MATERIALIZED VIEW IF NOT EXISTS category_tree_mv TO category_tree AS
SELECT toString(category_path[i]) AS code, argMax(category_names[i], occurred_at) AS name, toUInt8(i) AS level,
       if(i > 1, toString(category_path[i - 1]), '') AS parent, arrayMap(c -> toString(c), arraySlice(category_path, 1, i)) AS path,
       max(occurred_at) AS last_seen
FROM events
ARRAY JOIN arrayEnumerate(category_path) AS i
WHERE type = 'ticket.created'
GROUP BY code, level, parent, path;

INSERT INTO category_tree
SELECT toString(category_path[i]) AS code, argMax(category_names[i], occurred_at) AS name, toUInt8(i) AS level,
       if(i > 1, toString(category_path[i - 1]), '') AS parent, arrayMap(c -> toString(c), arraySlice(category_path, 1, i)) AS path,
       max(occurred_at) AS last_seen
FROM events
ARRAY JOIN arrayEnumerate(category_path) AS i
WHERE type = 'ticket.created'
GROUP BY code, level, parent, path;
