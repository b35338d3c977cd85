-- hotspots: places where a category concentrates (热点). Emerging: a share of the last days well
-- above the place's baseline share (space-time permutation). Chronic: near the top for three 30-day
-- blocks running, the list for proactive fixing (未诉先办). Read with FINAL.
CREATE TABLE IF NOT EXISTS hotspots
(
    hotspot_id        String                 COMMENT 'emerging:place:category:first day, or chronic:place:category | 热点ID',
    kind              LowCardinality(String) COMMENT 'emerging (新发) or chronic (常发) | 类型',
    status            LowCardinality(String) COMMENT 'open, updated (still found), closed (no longer found) | 状态',
    place_kind        LowCardinality(String) COMMENT 'h3 (grid cell from coordinates), community, or district | 地点类型',
    place             String                 COMMENT 'The H3 cell id or the community / district code | 地点',
    h3_cell           String                 COMMENT 'H3 cell (resolution 8) when coordinates exist | 网格',
    lat               Nullable(Float64)      COMMENT 'Cell centre latitude (WGS-84) | 纬度',
    lon               Nullable(Float64)      COMMENT 'Cell centre longitude | 经度',
    community_code    String                 COMMENT 'Community code when the place is a community | 社区编码',
    district_code     LowCardinality(String) COMMENT '区编码 | District',
    category_code     LowCardinality(String) COMMENT 'Second-level category (or the leaf of a shallow tree) | 分类编码',
    observed          UInt32                 COMMENT 'Tickets in the window | 观测数',
    expected          Float64                COMMENT 'Expected from the place and category totals (emerging), 0 for chronic | 期望数',
    p_value           Float64                COMMENT 'Poisson tail of observed given expected (emerging) | 显著性',
    window_start      Date                   COMMENT 'First local day of the window | 窗口开始',
    window_end        Date                   COMMENT 'Last local day of the window | 窗口结束',
    sample_ticket_ids Array(String)          COMMENT 'Up to 10 recent tickets behind it | 样例工单',
    first_seen        DateTime64(3, 'UTC')   COMMENT 'End of the local day it was first found | 首次发现',
    last_updated      DateTime64(3, 'UTC')   COMMENT 'End of the local day of the last change | 最近更新',
    version           UInt64                 COMMENT 'last_updated in ms | 版本'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY hotspot_id
COMMENT 'Emerging and chronic hotspots | 热点';
