// The database's clock, in epoch milliseconds, as an SQL expression. Leases and interval slots are timed
// with it, so replicas on hosts whose clocks disagree (or a process paused and resumed) still agree on
// who holds what. Request expiry keeps the application's clock: it is compared with times the
// application wrote (createdAt, expiresAt).
export const SQLITE_NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
export const POSTGRES_NOW_MS = 'floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint';
