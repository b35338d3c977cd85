// The named query that judges every ticket created in the scoring span and writes ticket_outcomes
// (schemas/clickhouse/012_ticket_outcomes.sql). Parameters: since_ms, as_of_ms (event time),
// window_ms, abuse_window_ms, count_callback_reopens, the tier hours and category prefixes.

/** INSERT … SELECT: one row per ticket created in [since, as_of], version = as_of in ms. */
export const REFRESH_TICKET_OUTCOMES = expandHelpers(`
INSERT INTO ticket_outcomes
WITH
    fromUnixTimestamp64Milli(toInt64({as_of_ms:Int64}), 'UTC') AS as_of,
    fromUnixTimestamp64Milli(toInt64({since_ms:Int64}), 'UTC') AS since,
    toInt64({window_ms:Int64}) AS window_ms
SELECT
    ticket_id,
    created_at,
    channel,
    request_type,
    category_code,
    category_l1,
    category_l2,
    category_name,
    district_code,
    district_name,
    urgency,
    caller_key,
    first_department_code,
    department_code,
    responding_department_code,
    departments,
    returned_by,
    dispatches,
    returns,
    max_hop,
    extensions,
    supervisions,
    reopens,
    merged,
    merged_into,
    sla_tier,
    deadline_source,
    accept_deadline,
    respond_deadline,
    original_close_deadline,
    close_deadline,
    first_dispatched_at,
    first_accepted_at,
    first_responded_at,
    first_closed_at,
    hours(first_accepted_at) AS hours_to_accept,
    hours(first_responded_at) AS hours_to_respond,
    hours(first_closed_at) AS hours_to_close,
    onTime(first_accepted_at, accept_deadline) AS accepted_on_time,
    onTime(first_responded_at, respond_deadline) AS responded_on_time,
    onTime(first_closed_at, close_deadline) AS closed_on_time,
    onTime(first_closed_at, original_close_deadline) AS closed_within_original,
    resolution,
    first_reopened_at,
    reopened_by,
    supervised_after_close_at,
    repeat_after_close_at,
    repeat_id,
    window_ends_at,
    multiIf(merged = 1, 'merged',
            first_closed_at IS NULL, 'open',
            failed_at IS NOT NULL, 'not_resolved',
            as_of >= window_ends_at, 'resolved',
            'provisional') AS outcome,
    multiIf(outcome = 'resolved', toNullable(toUInt8(1)), outcome = 'not_resolved', toNullable(toUInt8(0)), NULL) AS real_resolution,
    multiIf(failed_at IS NULL, '',
            failed_at = reopen_counted_at, 'reopened',
            failed_at = supervision_counted_at, 'supervised_after_close',
            'repeat_after_close') AS failure_reason,
    multiIf(merged = 1 OR first_closed_at IS NULL, NULL,
            repeat_counted_at IS NOT NULL, toNullable(toUInt8(1)),
            as_of >= window_ends_at, toNullable(toUInt8(0)),
            NULL) AS repeat_after_close,
    callback_result,
    callback_at,
    callback_resolved,
    toUInt8(notEmpty(abuse_kinds)) AS suspected_abuse,
    abuse_kinds,
    toUInt8(notEmpty(abnormal_kinds)) AS abnormal,
    abnormal_kinds,
    as_of,
    toUInt64({as_of_ms:Int64}) AS version
FROM
(
    SELECT
        t.*,
        if(t.first_closed_at IS NULL, NULL, t.first_closed_at + toIntervalMillisecond(window_ms)) AS window_ends_at,
        -- the signs that count: inside the window after the first closing (and before as_of)
        if(t.first_reopened_at <= window_ends_at AND ({count_callback_reopens:UInt8} = 1 OR t.reopened_by != 'callback'), t.first_reopened_at, NULL) AS reopen_counted_at,
        if(t.supervised_after_close_at <= window_ends_at, t.supervised_after_close_at, NULL) AS supervision_counted_at,
        if(r.repeat_at >= t.first_closed_at AND r.repeat_at <= window_ends_at AND r.repeat_at <= as_of, r.repeat_at, NULL) AS repeat_counted_at,
        if(r.repeat_at IS NULL, '', r.anchor_repeat_id) AS repeat_id,
        r.repeat_at AS repeat_after_close_at,
        nullIf(least(ifNull(reopen_counted_at, toDateTime64('2299-12-31 00:00:00', 3, 'UTC')),
                     ifNull(supervision_counted_at, toDateTime64('2299-12-31 00:00:00', 3, 'UTC')),
                     ifNull(repeat_counted_at, toDateTime64('2299-12-31 00:00:00', 3, 'UTC'))),
               toDateTime64('2299-12-31 00:00:00', 3, 'UTC')) AS failed_at,
        arrayFilter(k -> k != '', if(t.created_at < a.flag_first_seen - toIntervalMillisecond({abuse_window_ms:Int64})
                                     OR t.created_at > a.flag_last_updated + toIntervalMillisecond({abuse_window_ms:Int64}), [], a.kinds)) AS abuse_kinds,
        ifNull(f.kinds, []) AS abnormal_kinds
    FROM
    (
        SELECT
            *,
            if(empty(deadlines), NULL, toNullable(deadlines[1].2)) AS event_original_close_by,
            arrayFilter(d -> first_closed_at IS NULL OR d.1 <= first_closed_at, deadlines) AS deadlines_before_close,
            if(empty(deadlines_before_close), NULL, toNullable(deadlines_before_close[-1].2)) AS event_close_by,
            multiIf(urgency = 'emergency', 'emergency',
                    arrayExists(p -> startsWith(category_code, p), {complex_prefixes:Array(String)}), 'complex',
                    arrayExists(p -> startsWith(category_code, p), {utility_prefixes:Array(String)}), 'utility',
                    'general') AS sla_tier,
            transform(sla_tier, ['emergency', 'utility', 'general', 'complex'], {accept_hours:Array(Float64)}, 0.) AS tier_accept_hours,
            transform(sla_tier, ['emergency', 'utility', 'general', 'complex'], {respond_hours:Array(Float64)}, 0.) AS tier_respond_hours,
            transform(sla_tier, ['emergency', 'utility', 'general', 'complex'], {close_hours:Array(Float64)}, 0.) AS tier_close_hours,
            coalesce(event_accept_by, created_at + toIntervalMillisecond(toInt64(tier_accept_hours * 3600000))) AS accept_deadline,
            coalesce(event_respond_by, created_at + toIntervalMillisecond(toInt64(tier_respond_hours * 3600000))) AS respond_deadline,
            coalesce(event_original_close_by, created_at + toIntervalMillisecond(toInt64(tier_close_hours * 3600000))) AS original_close_deadline,
            coalesce(event_close_by, original_close_deadline) AS close_deadline,
            if(event_close_by IS NULL, 'tier', 'event') AS deadline_source,
            if(closing_department != '', closing_department, current_department) AS department_code,
            if(responding_department != '', responding_department, department_code) AS responding_department_code,
            coalesce(accepted_at, first_closed_at) AS first_accepted_at,
            coalesce(responded_at, first_closed_at) AS first_responded_at,
            if(notEmpty(reopens_at), reopens_at[1], NULL) AS first_reopened_at,
            arrayFilter(x -> x > first_closed_at, supervisions_at) AS late_supervisions,
            if(first_closed_at IS NOT NULL AND notEmpty(late_supervisions), late_supervisions[1], NULL) AS supervised_after_close_at
        FROM
        (
            SELECT
                ticket_id,
                minIf(occurred_at, type = 'ticket.created') AS created_at,
                argMinIf(channel, occurred_at, type = 'ticket.created') AS channel,
                argMinIf(request_type, occurred_at, type = 'ticket.created') AS request_type,
                argMinIf(category_code, occurred_at, type = 'ticket.created') AS category_code,
                argMinIf(category_path[1], occurred_at, type = 'ticket.created') AS category_l1,
                argMinIf(category_path[2], occurred_at, type = 'ticket.created') AS category_l2,
                argMinIf(category_names[-1], occurred_at, type = 'ticket.created') AS category_name,
                argMinIf(district_code, occurred_at, type = 'ticket.created') AS district_code,
                argMinIf(district_name, occurred_at, type = 'ticket.created') AS district_name,
                argMinIf(urgency, occurred_at, type = 'ticket.created') AS urgency,
                argMinIf(caller_key, occurred_at, type = 'ticket.created') AS caller_key,
                argMinIf(department_code, occurred_at, type = 'ticket.dispatched') AS first_department_code,
                argMaxIf(department_code, occurred_at, type = 'ticket.dispatched') AS current_department,
                argMinIf(department_code, occurred_at, type = 'ticket.responded') AS responding_department,
                arrayMap(p -> p.2, arraySort(p -> p.1, groupArrayIf((occurred_at, department_code), type = 'ticket.dispatched'))) AS dispatched_in_order,
                arrayDistinct(dispatched_in_order) AS departments,
                groupUniqArrayIf(department_code, type = 'ticket.returned') AS returned_by,
                toUInt32(countIf(type = 'ticket.dispatched')) AS dispatches,
                toUInt32(countIf(type = 'ticket.returned')) AS returns,
                max(hop) AS max_hop,
                toUInt32(countIf(type = 'ticket.extended')) AS extensions,
                toUInt32(countIf(type = 'ticket.supervised')) AS supervisions,
                toUInt32(countIf(type = 'ticket.reopened')) AS reopens,
                toUInt8(countIf(type = 'ticket.merged') > 0) AS merged,
                argMaxIf(related_ticket_id, occurred_at, type = 'ticket.merged') AS merged_into,
                minIf(occurred_at, type = 'ticket.dispatched') AS first_dispatch_raw,
                if(countIf(type = 'ticket.dispatched') > 0, toNullable(first_dispatch_raw), NULL) AS first_dispatched_at,
                minIf(toNullable(occurred_at), type = 'ticket.accepted') AS accepted_at,
                minIf(toNullable(occurred_at), type = 'ticket.responded') AS responded_at,
                minIf(toNullable(occurred_at), type = 'ticket.closed') AS first_closed_at,
                argMinIf(department_code, occurred_at, type = 'ticket.closed') AS closing_department,
                argMinIf(resolution, occurred_at, type = 'ticket.closed') AS resolution,
                arraySort(groupArrayIf(occurred_at, type = 'ticket.reopened')) AS reopens_at,
                argMinIf(JSONExtractString(data, 'by'), occurred_at, type = 'ticket.reopened') AS reopened_by,
                arraySort(groupArrayIf(occurred_at, type = 'ticket.supervised')) AS supervisions_at,
                argMinIf(survey_result, occurred_at, type = 'ticket.callback') AS callback_result,
                minIf(toNullable(occurred_at), type = 'ticket.callback') AS callback_at,
                argMinIf(JSONExtractRaw(data, 'resolved'), occurred_at, type = 'ticket.callback') AS callback_resolved_raw,
                multiIf(callback_resolved_raw = 'true', toNullable(toUInt8(1)), callback_resolved_raw = 'false', toNullable(toUInt8(0)), NULL) AS callback_resolved,
                -- deadlines carried by the events override the tiers
                parseDateTime64BestEffortOrNull(argMinIf(JSONExtractString(data, 'accept_by'), occurred_at, type = 'ticket.dispatched'), 3, 'UTC') AS dispatch_accept_by,
                parseDateTime64BestEffortOrNull(argMinIf(JSONExtractString(data, 'sla', 'accept_by'), occurred_at, type = 'ticket.created'), 3, 'UTC') AS created_accept_by,
                coalesce(dispatch_accept_by, created_accept_by) AS event_accept_by,
                parseDateTime64BestEffortOrNull(argMinIf(JSONExtractString(data, 'sla', 'respond_by'), occurred_at, type = 'ticket.created'), 3, 'UTC') AS event_respond_by,
                arraySort(groupArrayIf((occurred_at, assumeNotNull(deadline)), deadline IS NOT NULL)) AS deadlines
            FROM events
            WHERE ticket_id != '' AND occurred_at >= since AND occurred_at <= as_of
            GROUP BY ticket_id
            HAVING created_at >= since
        )
    ) AS t
    LEFT JOIN
    (
        SELECT ticket_ids[1] AS anchor_ticket_id, min(first_seen) AS repeat_at, argMin(repeat_id, first_seen) AS anchor_repeat_id
        FROM repeats FINAL
        WHERE kind = 'after_closure' AND first_seen <= as_of
        GROUP BY anchor_ticket_id
    ) AS r ON r.anchor_ticket_id = t.ticket_id
    LEFT JOIN
    (
        SELECT caller_key AS flagged_caller, groupUniqArray(kind) AS kinds, min(first_seen) AS flag_first_seen, max(last_updated) AS flag_last_updated
        FROM caller_flags FINAL
        WHERE first_seen <= as_of
        GROUP BY flagged_caller
    ) AS a ON a.flagged_caller = t.caller_key AND t.caller_key != ''
    LEFT JOIN
    (
        SELECT ticket_id AS flagged_ticket, groupUniqArray(kind) AS kinds
        FROM ticket_flags FINAL
        WHERE first_seen <= as_of
        GROUP BY flagged_ticket
    ) AS f ON f.flagged_ticket = t.ticket_id
)
SETTINGS join_use_nulls = 1
`);

/** `hours(x)` and `onTime(at, deadline)` in the query above: textual macros, so the query stays one statement. */
function expandHelpers(sql: string): string {
  return sql
    .replace(/hours\((\w+)\)/g, "if($1 IS NULL, NULL, dateDiff('millisecond', created_at, $1) / 3600000.)")
    .replace(
      /onTime\((\w+), (\w+)\)/g,
      "multiIf(merged = 1, NULL, $1 IS NOT NULL, toNullable(toUInt8($1 <= $2)), as_of > $2, toNullable(toUInt8(0)), NULL)",
    );
}
