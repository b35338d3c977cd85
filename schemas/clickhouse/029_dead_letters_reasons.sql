-- Events further in the future than HOTLINE_MAX_FUTURE_SKEW_MS are dead-lettered with reason_code
-- timestamp_in_future (timestamp_out_of_range keeps the too-old side); invalid_text (a string the
-- engine would refuse) and store_refused (a row the engine refused on insert) join them. The column
-- comment lists every reason.
ALTER TABLE dead_letters
    COMMENT COLUMN reason_code 'oversized, invalid_utf8, malformed_json, not_an_object, unsupported_version, unknown_type, schema_violation, invalid_text, timestamp_out_of_range, timestamp_in_future, too_late, store_refused | 原因代码';
