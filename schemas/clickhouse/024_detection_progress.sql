-- detection_progress: how far detection has followed the store in Kafka mode (the worker holding the
-- detect lease feeds every partition's events to the detectors, in order, up to a watermark). A
-- worker that takes the lease over rebuilds its detectors up to here and goes on from here, so no
-- result is skipped or written twice whoever held the lease before. Read with FINAL.
CREATE TABLE IF NOT EXISTS detection_progress
(
    stage      LowCardinality(String)  COMMENT 'What follows the store: detect | 阶段',
    watermark  DateTime64(3, 'UTC')    COMMENT 'Events before this instant (event time) have been fed to the detectors and their results written | 已处理至(事件时间)',
    updated_at DateTime64(3, 'UTC')    COMMENT 'When it was written (wall clock) | 更新时间',
    version    UInt64                  COMMENT 'watermark in ms | 版本'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY stage
COMMENT 'Progress of detection following the store (Kafka mode) | 检测进度';
