// The named queries of the scorer after ticket_outcomes is refreshed: case-mix cells, unit totals
// with their expected counts, provisional counts, diagnosis, and survey cross-tabulations.
// Common parameters: since_ms, as_of_ms, version, exclude_suspected, tz, day_since_ms.

const SPAN = `created_at >= fromUnixTimestamp64Milli(toInt64({since_ms:Int64}), 'UTC') AND created_at <= fromUnixTimestamp64Milli(toInt64({as_of_ms:Int64}), 'UTC')`;
const KEPT = `NOT ({exclude_suspected:UInt8} = 1 AND suspected_abuse = 1)`;

/** Local periods a ticket belongs to, by its creation time: the day (recent days only), week, month and the whole span. */
const PERIODS = `arrayJoin(arrayFilter(p -> p.1 != 'day' OR created_at >= fromUnixTimestamp64Milli(toInt64({day_since_ms:Int64}), 'UTC'), [
    ('day', toDate(created_at, {tz:String})),
    ('week', toMonday(created_at, {tz:String})),
    ('month', toStartOfMonth(created_at, {tz:String})),
    ('span', toDate(fromUnixTimestamp64Milli(toInt64({since_ms:Int64}), 'UTC'), {tz:String}))
]))`;

/** City-wide trials per case-mix cell, per unit kind and metric (districts are not a factor of district units). */
export const CASE_MIX_CELLS = `
SELECT unit_kind, metric, category_code, channel, if(unit_kind = 'department', district_code, '') AS district, urgency,
       count() AS trials, sum(success) AS events
FROM performance_trials
WHERE ${SPAN} AND ${KEPT}
GROUP BY unit_kind, metric, category_code, channel, district, urgency`;

/** Every trial with its expected probability from the stored case-mix model of this version. */
const EXPECTED_TRIALS = `
SELECT t.ticket_id AS ticket_id, t.created_at AS created_at, t.as_of AS as_of, t.category_code AS category_code, t.category_l2 AS category_l2, t.channel AS channel, t.district_code AS district_code, t.urgency AS urgency, t.suspected_abuse AS suspected_abuse, t.failure_reason AS failure_reason, t.unit_kind AS unit_kind, t.metric AS metric, t.unit_code AS unit_code, t.success AS success,
       1 / (1 + exp(-(i.coefficient + c.coefficient + h.coefficient + d.coefficient + u.coefficient))) AS expected_p
FROM (SELECT * FROM performance_trials WHERE ${SPAN}) AS t
LEFT JOIN (SELECT metric, unit_kind, coefficient FROM performance_casemix FINAL WHERE version = {version:UInt64} AND factor = 'intercept') AS i
    ON i.metric = t.metric AND i.unit_kind = t.unit_kind
LEFT JOIN (SELECT metric, unit_kind, level, coefficient FROM performance_casemix FINAL WHERE version = {version:UInt64} AND factor = 'category') AS c
    ON c.metric = t.metric AND c.unit_kind = t.unit_kind AND c.level = t.category_code
LEFT JOIN (SELECT metric, unit_kind, level, coefficient FROM performance_casemix FINAL WHERE version = {version:UInt64} AND factor = 'channel') AS h
    ON h.metric = t.metric AND h.unit_kind = t.unit_kind AND h.level = t.channel
LEFT JOIN (SELECT metric, unit_kind, level, coefficient FROM performance_casemix FINAL WHERE version = {version:UInt64} AND factor = 'district') AS d
    ON d.metric = t.metric AND d.unit_kind = t.unit_kind AND d.level = if(t.unit_kind = 'department', t.district_code, '')
LEFT JOIN (SELECT metric, unit_kind, level, coefficient FROM performance_casemix FINAL WHERE version = {version:UInt64} AND factor = 'urgency') AS u
    ON u.metric = t.metric AND u.unit_kind = t.unit_kind AND u.level = t.urgency`;

/** Per unit, metric and period: trials kept, observed and expected events, trials left out as suspected. */
export const UNIT_TOTALS = `
SELECT unit_kind, metric, unit_code, period.1 AS period_kind, toString(period.2) AS period_start,
       countIf(kept) AS trials, sumIf(success, kept) AS observed, sumIf(expected_p, kept) AS expected,
       countIf(NOT kept) AS excluded
FROM (SELECT *, ${KEPT} AS kept, ${PERIODS} AS period FROM (${EXPECTED_TRIALS}))
GROUP BY unit_kind, metric, unit_code, period_kind, period_start`;

/** Tickets of each unit and period (volume), and closed ones still provisional, from ticket_outcomes. */
export const UNIT_VOLUMES = `
SELECT unit.1 AS unit_kind, unit.2 AS unit_code, period.1 AS period_kind, toString(period.2) AS period_start,
       count() AS volume, countIf(outcome = 'provisional') AS provisional
FROM (
    SELECT *, ${PERIODS} AS period, arrayJoin([('department', department_code), ('district', district_code)]) AS unit
    FROM ticket_outcomes FINAL
    WHERE ${SPAN} AND merged = 0
)
WHERE unit.2 != ''
GROUP BY unit_kind, unit_code, period_kind, period_start`;

/**
 * Diagnosis by category: per unit, metric and month or span, the second-level categories with the
 * most unfavourable events beyond expected (expected calibrated so the city's total matches).
 */
export const INSERT_CATEGORY_DIAGNOSIS = `
INSERT INTO performance_diagnosis
SELECT
    concat(unit_kind, ':', unit_code, ':', metric, ':', period_kind, ':', toString(period_start), ':category:', driver) AS diagnosis_id,
    unit_kind, unit_code, metric, period_kind, period_start, 'category' AS driver_kind, driver, driver_name,
    toUInt16(rank) AS rank, toUInt32(trials) AS trials, toUInt32(observed) AS observed, expected, excess,
    if(unit_excess > 0, excess / unit_excess, NULL) AS share_of_gap,
    fromUnixTimestamp64Milli(toInt64({as_of_ms:Int64}), 'UTC') AS as_of, {version:UInt64} AS version
FROM (
    SELECT *,
        row_number() OVER (PARTITION BY unit_kind, unit_code, metric, period_kind, period_start ORDER BY excess DESC, driver) AS rank,
        sum(greatest(excess, 0)) OVER (PARTITION BY unit_kind, unit_code, metric, period_kind, period_start) AS unit_excess
    FROM (
        SELECT *,
            raw_expected * city_observed / nullIf(city_expected, 0) AS expected_calibrated,
            ifNull(expected_calibrated, raw_expected) AS expected,
            if(metric IN ('timely_response', 'on_time_closure', 'real_resolution'), expected - observed, observed - expected) AS excess
        FROM (
            SELECT *,
                sum(observed) OVER (PARTITION BY unit_kind, metric, period_kind, period_start) AS city_observed,
                sum(raw_expected) OVER (PARTITION BY unit_kind, metric, period_kind, period_start) AS city_expected
            FROM (
                SELECT unit_kind, metric, unit_code, period.1 AS period_kind, period.2 AS period_start,
                       category_l2 AS driver, any(category_l2_name) AS driver_name,
                       count() AS trials, sum(success) AS observed, sum(expected_p) AS raw_expected
                FROM (
                    SELECT e.*, ${PERIODS} AS period, n.category_l2_name
                    FROM (${EXPECTED_TRIALS}) AS e
                    LEFT JOIN (
                        SELECT category_path[2] AS l2, any(category_names[2]) AS category_l2_name
                        FROM events WHERE type = 'ticket.created' AND ${SPAN.replaceAll("created_at", "occurred_at")}
                        GROUP BY l2
                    ) AS n ON n.l2 = e.category_l2
                    WHERE ${KEPT}
                )
                WHERE period_kind IN ('month', 'span')
                GROUP BY unit_kind, metric, unit_code, period_kind, period_start, driver
            )
        )
    )
)
WHERE rank <= {top:UInt16} AND excess > 0`;

/** Diagnosis by step: which sign of non-resolution a unit's unresolved tickets show, against the city's mix. */
export const INSERT_STEP_DIAGNOSIS = `
INSERT INTO performance_diagnosis
SELECT
    concat(unit_kind, ':', unit_code, ':real_resolution:', period_kind, ':', toString(period_start), ':step:', driver) AS diagnosis_id,
    unit_kind, unit_code, 'real_resolution' AS metric, period_kind, period_start, 'step' AS driver_kind, driver, '' AS driver_name,
    toUInt16(row_number() OVER (PARTITION BY unit_kind, unit_code, period_kind, period_start ORDER BY excess DESC, driver)) AS rank,
    toUInt32(trials) AS trials, toUInt32(observed) AS observed, expected, excess,
    if(unit_excess > 0, greatest(excess, 0) / unit_excess, NULL) AS share_of_gap,
    fromUnixTimestamp64Milli(toInt64({as_of_ms:Int64}), 'UTC') AS as_of, {version:UInt64} AS version
FROM (
    SELECT *, observed - expected AS excess,
           sum(greatest(observed - expected, 0)) OVER (PARTITION BY unit_kind, unit_code, period_kind, period_start) AS unit_excess
    FROM (
        SELECT *,
               trials * sum(observed) OVER (PARTITION BY unit_kind, period_kind, period_start, driver)
                      / sum(trials) OVER (PARTITION BY unit_kind, period_kind, period_start, driver) AS expected
        FROM (
            -- every trial is counted once per step, so every unit has all three steps (zeros too)
            SELECT unit_kind, unit_code, period.1 AS period_kind, period.2 AS period_start, reason AS driver,
                   count() AS trials, countIf(success = 0 AND failure_reason = reason) AS observed
            FROM (
                SELECT *, ${PERIODS} AS period, arrayJoin(['reopened', 'supervised_after_close', 'repeat_after_close']) AS reason
                FROM performance_trials
                WHERE ${SPAN} AND ${KEPT} AND metric = 'real_resolution'
            )
            WHERE period_kind IN ('month', 'span')
            GROUP BY unit_kind, unit_code, period_kind, period_start, driver
        )
    )
)`;

/** Surveyed closed tickets by first-closing department and period: the cross-tabulation with the passive outcome. */
export const SURVEY_CROSSTAB = `
SELECT unit.1 AS unit_kind, unit.2 AS unit_code, period.1 AS period_kind, toString(period.2) AS period_start,
       count() AS surveyed,
       countIf(callback_result = 'unreachable') AS unreachable,
       countIf(callback_result != 'unreachable' AND outcome = 'provisional') AS provisional,
       countIf(outcome = 'resolved' AND is_positive) AS resolved_positive,
       countIf(outcome = 'resolved' AND is_negative) AS resolved_negative,
       countIf(outcome = 'not_resolved' AND is_positive) AS unresolved_positive,
       countIf(outcome = 'not_resolved' AND is_negative) AS unresolved_negative,
       countIf(is_positive) AS positive,
       countIf(is_negative) AS negative
FROM (
    SELECT *, ${PERIODS} AS period, arrayJoin([('department', department_code), ('city', '')]) AS unit,
           callback_result IN ('satisfied', 'basically_satisfied') AS is_positive, callback_result = 'dissatisfied' AS is_negative
    FROM ticket_outcomes FINAL
    WHERE ${SPAN} AND ${KEPT} AND merged = 0 AND first_closed_at IS NOT NULL AND callback_result != ''
)
WHERE period_kind IN ('month', 'span')
GROUP BY unit_kind, unit_code, period_kind, period_start`;
