// Versioned schema migrations, one ordered list with the SQL for each dialect. Each store applies the
// versions missing from `schema_migrations`, each in its own transaction, so a restart is a no-op.
// Append new migrations at the end; never edit one that has shipped.
export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  sqlite: readonly string[];
  postgres: readonly string[];
}

export const SCHEMA_MIGRATIONS_DDL: Record<Dialect, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`,
};

/** Column types that differ between dialects; the rest of the DDL is shared. */
const TYPES: Record<Dialect, { int: string; json: string; bool: string; serial: string }> = {
  sqlite: { int: 'INTEGER', json: 'TEXT', bool: 'INTEGER', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' },
  postgres: {
    int: 'BIGINT',
    json: 'JSONB',
    bool: 'BOOLEAN',
    serial: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  },
};

function initialSchema(dialect: Dialect): string[] {
  const t = TYPES[dialect];
  const falseValue = dialect === 'sqlite' ? '0' : 'FALSE';
  return [
    `CREATE TABLE requests (
      id TEXT PRIMARY KEY,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      params ${t.json} NOT NULL,
      requester TEXT NOT NULL,
      channel TEXT NOT NULL,
      message_ts TEXT,
      state TEXT NOT NULL,
      approvals_required INTEGER NOT NULL,
      fingerprint TEXT NOT NULL,
      created_at ${t.int} NOT NULL,
      expires_at ${t.int} NOT NULL,
      updated_at ${t.int} NOT NULL,
      decided_by TEXT,
      decided_at ${t.int},
      result ${t.json}
    )`,
    'CREATE INDEX requests_state_expires ON requests (state, expires_at)',
    'CREATE INDEX requests_action_target ON requests (action, target, updated_at)',
    'CREATE INDEX requests_created ON requests (created_at)',
    `CREATE TABLE votes (
      request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
      user_id TEXT NOT NULL,
      decision TEXT NOT NULL CHECK (decision IN ('approve', 'deny')),
      at ${t.int} NOT NULL,
      PRIMARY KEY (request_id, user_id)
    )`,
    // The at-most-once ledger: one row per request, ever.
    `CREATE TABLE executions (
      request_id TEXT PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
      target TEXT NOT NULL,
      owner TEXT NOT NULL,
      started_at ${t.int} NOT NULL,
      finished_at ${t.int},
      outcome TEXT NOT NULL
    )`,
    // One mutation per target at a time.
    `CREATE UNIQUE INDEX executions_one_running_per_target ON executions (target) WHERE outcome = 'running'`,
    `CREATE TABLE audit_events (
      id ${t.serial},
      correlation_id TEXT NOT NULL,
      at ${t.int} NOT NULL,
      kind TEXT NOT NULL,
      actor TEXT,
      data ${t.json} NOT NULL
    )`,
    'CREATE INDEX audit_events_correlation ON audit_events (correlation_id, at)',
    'CREATE INDEX audit_events_at ON audit_events (at)',
    // content holds the plaintext, or an encryption envelope when encrypted is true.
    `CREATE TABLE snapshots (
      seq ${t.serial},
      id TEXT NOT NULL UNIQUE,
      taken_at ${t.int} NOT NULL,
      hash TEXT NOT NULL,
      content TEXT NOT NULL,
      reason TEXT NOT NULL,
      encrypted ${t.bool} NOT NULL DEFAULT ${falseValue}
    )`,
    'CREATE INDEX snapshots_taken ON snapshots (taken_at, seq)',
    `CREATE TABLE leases (
      name TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      expires_at ${t.int} NOT NULL
    )`,
    `CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    )`,
  ];
}

/** Request states in which a request still holds its target (the engine's "open" requests). */
const OPEN_STATES = "('pending', 'approved', 'running')";

/**
 * One open request per action and target, as a partial unique index, so two concurrent creates cannot
 * both succeed. Duplicates left by the race this closes are resolved first, keeping the newest open one:
 * an older pending duplicate expires, an older approved or running one counts as interrupted.
 */
function oneOpenRequestPerTarget(): string[] {
  const newerTwin = `EXISTS (SELECT 1 FROM requests newer
      WHERE newer.action = requests.action AND newer.target = requests.target
        AND newer.state IN ${OPEN_STATES}
        AND (newer.created_at > requests.created_at
          OR (newer.created_at = requests.created_at AND newer.id > requests.id)))`;
  return [
    `UPDATE requests SET state = 'expired', decided_by = 'system' WHERE state = 'pending' AND ${newerTwin}`,
    `UPDATE requests SET state = 'interrupted' WHERE state IN ('approved', 'running') AND ${newerTwin}`,
    `CREATE UNIQUE INDEX requests_one_open_per_target ON requests (action, target) WHERE state IN ${OPEN_STATES}`,
  ];
}

function watchSchema(dialect: Dialect): string[] {
  const t = TYPES[dialect];
  return [
    `CREATE TABLE watch_alerts (
      proxy TEXT NOT NULL,
      alert_key TEXT NOT NULL,
      phase TEXT NOT NULL,
      state ${t.json} NOT NULL,
      channel TEXT,
      message_ts TEXT,
      updated_at ${t.int} NOT NULL,
      PRIMARY KEY (proxy, alert_key)
    )`,
    `CREATE TABLE watch_expiry (
      proxy TEXT NOT NULL,
      name TEXT NOT NULL,
      modtime TEXT,
      size ${t.int},
      expires_at TEXT,
      PRIMARY KEY (proxy, name)
    )`,
    `CREATE TABLE watch_silences (
      id TEXT PRIMARY KEY,
      proxy TEXT NOT NULL,
      credential TEXT NOT NULL,
      condition TEXT,
      until_at ${t.int} NOT NULL,
      created_by TEXT NOT NULL,
      created_at ${t.int} NOT NULL
    )`,
    'CREATE INDEX watch_silences_active ON watch_silences (proxy, until_at)',
    `CREATE TABLE watch_digests (
      proxy TEXT NOT NULL,
      day TEXT NOT NULL,
      owner TEXT NOT NULL,
      claimed_at ${t.int} NOT NULL,
      PRIMARY KEY (proxy, day)
    )`,
  ];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sqlite: initialSchema('sqlite'),
    postgres: initialSchema('postgres'),
  },
  {
    version: 2,
    name: 'one open request per action and target',
    sqlite: oneOpenRequestPerTarget(),
    postgres: oneOpenRequestPerTarget(),
  },
  {
    version: 3,
    name: 'rejected management keys',
    // fingerprints (a slow hash) of management keys the proxy answered 401 to, so no replica sends them again
    sqlite: [
      `CREATE TABLE rejected_keys (
        fingerprint TEXT PRIMARY KEY,
        rejected_at INTEGER NOT NULL
      )`,
    ],
    postgres: [
      `CREATE TABLE rejected_keys (
        fingerprint TEXT PRIMARY KEY,
        rejected_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: 'credential watch',
    sqlite: watchSchema('sqlite'),
    postgres: watchSchema('postgres'),
  },
];
