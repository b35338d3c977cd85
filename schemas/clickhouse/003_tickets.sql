-- tickets: the current state of every ticket, folded from its events by a materialized view into
-- an AggregatingMergeTree. Query the `tickets` view, never tickets_state directly.
CREATE TABLE IF NOT EXISTS tickets_state
(
    ticket_id          String,
    created            AggregateFunction(argMaxIf, Tuple(String, String, String, Array(String), Array(String), String, String, String, String, String, String, Nullable(Float64), Nullable(Float64), String, String), DateTime64(3, 'UTC'), UInt8),
    created_at         SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_event_at     SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_event_at      SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    status             AggregateFunction(argMaxIf, String, Tuple(DateTime64(3, 'UTC'), UInt8), UInt8),
    department         AggregateFunction(argMaxIf, Tuple(String, String), DateTime64(3, 'UTC'), UInt8),
    departments        SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    dispatches         SimpleAggregateFunction(sum, UInt64),
    returns            SimpleAggregateFunction(sum, UInt64),
    max_hop            SimpleAggregateFunction(max, UInt16),
    extensions         SimpleAggregateFunction(sum, UInt64),
    supervisions       SimpleAggregateFunction(sum, UInt64),
    reopens            SimpleAggregateFunction(sum, UInt64),
    first_accepted_at  SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_responded_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    closed_at          AggregateFunction(argMaxIf, Nullable(DateTime64(3, 'UTC')), DateTime64(3, 'UTC'), UInt8),
    closure            AggregateFunction(argMaxIf, Tuple(String, String), DateTime64(3, 'UTC'), UInt8),
    deadline           AggregateFunction(argMaxIf, Nullable(DateTime64(3, 'UTC')), DateTime64(3, 'UTC'), UInt8),
    merged_into        AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    callback_result    AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    events             SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY ticket_id
COMMENT 'Partial ticket states; read the tickets view | 工单状态(中间表)';

CREATE MATERIALIZED VIEW IF NOT EXISTS tickets_state_mv TO tickets_state AS
SELECT
    ticket_id,
    argMaxIfState(
        (channel, request_type, category_code, category_path, category_names, district_code, district_name,
         street_code, street_name, community_code, community_name, lat, lon, urgency, caller_key),
        occurred_at, type = 'ticket.created')                                                AS created,
    min(if(type = 'ticket.created', occurred_at, NULL))                                      AS created_at,
    min(occurred_at)                                                                         AS first_event_at,
    max(occurred_at)                                                                         AS last_event_at,
    argMaxIfState(
        multiIf(type = 'ticket.created', 'created', type = 'ticket.dispatched', 'dispatched',
                type = 'ticket.returned', 'returned', type = 'ticket.accepted', 'accepted',
                type = 'ticket.responded', 'responded', type = 'ticket.closed', 'closed',
                type = 'ticket.reopened', 'reopened', 'merged'),
        (occurred_at, toUInt8(multiIf(type = 'ticket.created', 1, type = 'ticket.dispatched', 2,
                type = 'ticket.returned', 3, type = 'ticket.accepted', 4, type = 'ticket.responded', 5,
                type = 'ticket.closed', 6, type = 'ticket.reopened', 7, 8))),
        type IN ('ticket.created', 'ticket.dispatched', 'ticket.returned', 'ticket.accepted',
                 'ticket.responded', 'ticket.closed', 'ticket.reopened', 'ticket.merged'))  AS status,
    argMaxIfState((department_code, department_name), occurred_at, type = 'ticket.dispatched') AS department,
    groupUniqArrayArray(if(type = 'ticket.dispatched', [department_code], []))               AS departments,
    countIf(type = 'ticket.dispatched')                                                      AS dispatches,
    countIf(type = 'ticket.returned')                                                        AS returns,
    max(hop)                                                                                 AS max_hop,
    countIf(type = 'ticket.extended')                                                        AS extensions,
    countIf(type = 'ticket.supervised')                                                      AS supervisions,
    countIf(type = 'ticket.reopened')                                                        AS reopens,
    min(if(type = 'ticket.accepted', occurred_at, NULL))                                     AS first_accepted_at,
    min(if(type = 'ticket.responded', occurred_at, NULL))                                    AS first_responded_at,
    argMaxIfState(CAST(occurred_at, 'Nullable(DateTime64(3, \'UTC\'))'), occurred_at,
                  type IN ('ticket.closed', 'ticket.reopened'))                              AS closed_at,
    argMaxIfState((department_code, resolution), occurred_at, type = 'ticket.closed')        AS closure,
    argMaxIfState(deadline, occurred_at, deadline IS NOT NULL)                               AS deadline,
    argMaxIfState(related_ticket_id, occurred_at, type = 'ticket.merged')                    AS merged_into,
    argMaxIfState(CAST(survey_result, 'String'), occurred_at, type = 'ticket.callback')     AS callback_result,
    count()                                                                                  AS events
FROM events
WHERE ticket_id != ''
GROUP BY ticket_id;

CREATE VIEW IF NOT EXISTS tickets AS
SELECT
    ticket_id,
    created_at,
    c.1 AS channel,
    c.2 AS request_type,
    c.3 AS category_code,
    c.4 AS category_path,
    c.5 AS category_names,
    c.6 AS district_code,
    c.7 AS district_name,
    c.8 AS street_code,
    c.9 AS street_name,
    c.10 AS community_code,
    c.11 AS community_name,
    c.12 AS lat,
    c.13 AS lon,
    c.14 AS urgency,
    c.15 AS caller_key,
    status,
    dep.1 AS department_code,
    dep.2 AS department_name,
    departments,
    dispatches,
    returns,
    max_hop,
    extensions,
    supervisions,
    reopens,
    first_accepted_at,
    first_responded_at,
    if(status = 'closed', closed_at_raw, NULL) AS closed_at,
    if(status = 'closed', closure.1, '') AS closed_by_department_code,
    if(status = 'closed', closure.2, '') AS resolution,
    deadline,
    merged_into,
    callback_result,
    first_event_at,
    last_event_at,
    events
FROM
(
    SELECT
        ticket_id,
        min(created_at) AS created_at,
        argMaxIfMerge(created) AS c,
        argMaxIfMerge(status) AS status,
        argMaxIfMerge(department) AS dep,
        arraySort(groupUniqArrayArray(departments)) AS departments,
        sum(dispatches) AS dispatches,
        sum(returns) AS returns,
        max(max_hop) AS max_hop,
        sum(extensions) AS extensions,
        sum(supervisions) AS supervisions,
        sum(reopens) AS reopens,
        min(first_accepted_at) AS first_accepted_at,
        min(first_responded_at) AS first_responded_at,
        argMaxIfMerge(closed_at) AS closed_at_raw,
        argMaxIfMerge(closure) AS closure,
        argMaxIfMerge(deadline) AS deadline,
        argMaxIfMerge(merged_into) AS merged_into,
        argMaxIfMerge(callback_result) AS callback_result,
        min(first_event_at) AS first_event_at,
        max(last_event_at) AS last_event_at,
        sum(events) AS events
    FROM tickets_state
    GROUP BY ticket_id
);
