-- Least privilege on a ClickHouse server for hotline-sensor (issue 7). Run once as an admin with
-- SQL-driven access control (access_management=1), e.g.
--     clickhouse-client --user admin --ask-password --multiquery < deploy/clickhouse/roles.sql
-- after replacing the three password placeholders (or change them afterwards with
-- ALTER USER … IDENTIFIED WITH sha256_password BY '…'). Every statement is idempotent.
-- The database is `hotline` (CLICKHOUSE_DATABASE); replace it everywhere if yours differs.
--
-- Who is who:
--   hotline_migrator  DDL on hotline.* : runs `hotline-sensor migrate` (a deploy step or an init job)
--   hotline_writer    the worker: reads and inserts into hotline.*, no DDL beyond the
--                     schema_migrations bookkeeping it checks at start
--   hotline_analyst   read-only people and tools (Grafana, analysts, the HTTP API's reads if run
--                     apart): SELECT on hotline.*, query limits, an hourly quota
-- Users: hotline_migrate, hotline_worker, hotline_analyst_user; Grafana in docker-compose uses
-- the read-only grafana_reader of users.d/grafana-readonly.xml (the same limits, in XML).
-- Parsed by chdb in test/privacy/roles.test.ts (chdb has no access control, so the grants
-- themselves are exercised only on a server).

CREATE ROLE IF NOT EXISTS hotline_migrator;
CREATE ROLE IF NOT EXISTS hotline_writer;
CREATE ROLE IF NOT EXISTS hotline_analyst;

-- Migrations create and alter tables, views and materialized views, record themselves in
-- schema_migrations, and may replace views (CREATE OR REPLACE VIEW needs DROP VIEW).
GRANT CREATE DATABASE ON hotline.* TO hotline_migrator;
GRANT CREATE TABLE, CREATE VIEW, ALTER TABLE, ALTER VIEW, DROP VIEW ON hotline.* TO hotline_migrator;
GRANT SELECT, INSERT ON hotline.* TO hotline_migrator;

-- The worker: events, dead letters, detector results, alerts, scores (INSERT, INSERT … SELECT) and
-- their reads. Materialized views run as their definer (the migrator), so no grant on their targets
-- is needed beyond this. At start the worker runs `CREATE TABLE IF NOT EXISTS schema_migrations`
-- and compares the applied migrations; with pending ones it stops and asks for `migrate`.
GRANT SELECT, INSERT ON hotline.* TO hotline_writer;
GRANT CREATE TABLE ON hotline.schema_migrations TO hotline_writer;

-- Analysts: read only. readonly = 2 lets clients set per-query settings (Grafana sends
-- max_execution_time), within the bounds below; readonly itself and the overflow mode are fixed.
GRANT SELECT ON hotline.* TO hotline_analyst;

CREATE SETTINGS PROFILE IF NOT EXISTS hotline_analyst_limits SETTINGS
    readonly = 2 CONST,
    max_execution_time = 60 MIN 1 MAX 300,
    max_memory_usage = 4000000000 MAX 8000000000,
    max_result_rows = 1000000 MAX 10000000,
    max_result_bytes = 1000000000 MAX 4000000000,
    result_overflow_mode = 'throw' CONST,
    max_rows_to_read = 20000000000 MAX 50000000000,
    max_threads = 8 MAX 16,
    max_concurrent_queries_for_user = 20 CONST
    TO hotline_analyst;

-- Per analyst user and hour: queries, failed queries, rows returned and read, seconds of execution.
CREATE QUOTA IF NOT EXISTS hotline_analyst_quota
    KEYED BY user_name
    FOR INTERVAL 1 hour MAX queries = 3000, errors = 300, result_rows = 100000000, read_rows = 200000000000, execution_time = 3600
    TO hotline_analyst;

-- The writer gets a memory cap only: its batches must never be cut short by a result limit.
CREATE SETTINGS PROFILE IF NOT EXISTS hotline_writer_limits SETTINGS
    max_memory_usage = 8000000000
    TO hotline_writer;

-- Users. Replace the placeholders; prefer sha256_hash BY '<hex>' so no clear password is kept in a file.
CREATE USER IF NOT EXISTS hotline_migrate IDENTIFIED WITH sha256_password BY 'REPLACE-migrator-password'
    DEFAULT ROLE hotline_migrator DEFAULT DATABASE hotline;
CREATE USER IF NOT EXISTS hotline_worker IDENTIFIED WITH sha256_password BY 'REPLACE-worker-password'
    DEFAULT ROLE hotline_writer DEFAULT DATABASE hotline;
CREATE USER IF NOT EXISTS hotline_analyst_user IDENTIFIED WITH sha256_password BY 'REPLACE-analyst-password'
    DEFAULT ROLE hotline_analyst DEFAULT DATABASE hotline;

GRANT hotline_migrator TO hotline_migrate;
GRANT hotline_writer TO hotline_worker;
GRANT hotline_analyst TO hotline_analyst_user;
