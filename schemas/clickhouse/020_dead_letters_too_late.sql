-- Events too late for their stream (HOTLINE_DETECT_LATENESS_MS) are dead-lettered with reason_code
-- too_late; the column comment lists it beside the earlier reasons.
ALTER TABLE dead_letters
    COMMENT COLUMN reason_code 'oversized, invalid_utf8, malformed_json, not_an_object, unsupported_version, unknown_type, schema_violation, timestamp_out_of_range, too_late | 原因代码';
