//! The practical ceiling for import: DuckDB reading the same files into tables with
//! `read_json` and explicit columns, without mapping, hashing or de-duplication.

use std::path::Path;

use duckdb::Connection;

/// One statement per source. Each reads the fields that the importer maps as typed
/// columns and nested objects as JSON, and unnests envelopes to one row per record.
const TABLES: [(&str, &str, &str); 5] = [
    (
        "cloudtrail",
        "AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz",
        "SELECT unnest(Records) AS r FROM read_json(?, maximum_object_size = 33554432, columns = {
            Records: 'STRUCT(eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR,
                eventID VARCHAR, requestID VARCHAR, sourceIPAddress VARCHAR, errorCode VARCHAR,
                userIdentity JSON, requestParameters JSON, responseElements JSON, resources JSON)[]'})",
    ),
    (
        "okta",
        "okta/*.ndjson",
        "SELECT * FROM read_json(?, format = 'newline_delimited', columns = {
            uuid: 'VARCHAR', published: 'VARCHAR', eventType: 'VARCHAR', actor: 'JSON',
            client: 'JSON', authenticationContext: 'JSON', outcome: 'JSON',
            debugContext: 'JSON', transaction: 'JSON', target: 'JSON'})",
    ),
    (
        "entra_signin",
        "entra/signins/*.json",
        "SELECT unnest(value) AS r FROM read_json(?, maximum_object_size = 33554432, columns = {
            value: 'STRUCT(id VARCHAR, createdDateTime VARCHAR, userId VARCHAR,
                userPrincipalName VARCHAR, appId VARCHAR, ipAddress VARCHAR, correlationId VARCHAR,
                sessionId VARCHAR, uniqueTokenIdentifier VARCHAR, originalRequestId VARCHAR,
                status JSON, agent JSON)[]'})",
    ),
    (
        "entra_audit",
        "entra/audits/*.json",
        "SELECT unnest(value) AS r FROM read_json(?, maximum_object_size = 33554432, columns = {
            value: 'STRUCT(id VARCHAR, category VARCHAR, correlationId VARCHAR, result VARCHAR,
                activityDisplayName VARCHAR, activityDateTime VARCHAR, initiatedBy JSON,
                targetResources JSON)[]'})",
    ),
    (
        "otel",
        "otel/*.ndjson",
        "SELECT unnest(ss.spans) AS span FROM (
            SELECT unnest(rs.scopeSpans) AS ss FROM (
                SELECT unnest(resourceSpans) AS rs FROM read_json(?, format = 'newline_delimited',
                    maximum_object_size = 33554432, columns = {
                    resourceSpans: 'STRUCT(resource JSON, scopeSpans STRUCT(scope JSON,
                        spans STRUCT(traceId VARCHAR, spanId VARCHAR, parentSpanId VARCHAR,
                            name VARCHAR, startTimeUnixNano VARCHAR, endTimeUnixNano VARCHAR,
                            attributes JSON, status JSON)[])[])[]'})))",
    ),
];

/// Loads every source under `evidence` into tables of a new database at `db`; returns the
/// rows loaded.
pub fn load(db: &Path, evidence: &Path, memory_limit_mib: u64) -> duckdb::Result<i64> {
    let conn = Connection::open(db)?;
    conn.execute_batch(&format!("SET memory_limit = '{memory_limit_mib}MiB'"))?;
    let mut rows = 0;
    for (table, glob, select) in TABLES {
        let pattern = evidence.join(glob).display().to_string();
        let sql = format!("CREATE TABLE {table} AS {select}");
        conn.execute(&sql, [pattern])?;
        let count: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        rows += count;
    }
    conn.execute_batch("CHECKPOINT")?;
    Ok(rows)
}
