// SqliteStore: the default store, on better-sqlite3 (a synchronous driver wrapped in async methods).
// Every deciding state change is one atomic statement; concurrent processes on the same file are
// serialised by SQLite's write lock (WAL mode, busy_timeout).
import type Database from 'better-sqlite3';
import type { Logger } from '../logger.js';
import { verifySnapshotKey } from './crypto.js';
import { readOrCreateInstallationKey } from './installation-key.js';
import { recordSqliteRejectedKey, sqliteKeyRejectedAt } from './rejected-keys.js';
import {
  type AuditRow,
  openRequestClash,
  patchColumns,
  type RequestRow,
  storeFailure,
  toAudit,
  toRequest,
} from './rows.js';
import {
  approveSqliteRequest,
  claimSqliteSlot,
  denySqliteRequest,
  interruptSqliteAbandoned,
  isSqliteOpenClash,
  trySqliteLease,
} from './sqlite-decisions.js';
import { openSqliteDatabase } from './sqlite-file.js';
import {
  castSqliteVote,
  claimSqliteExecution,
  finishSqliteExecution,
  listSqliteExecutions,
  listSqliteVotes,
} from './sqlite-ledger.js';
import { migrateSqlite } from './sqlite-migrate.js';
import {
  getSqliteSnapshot,
  listSqliteSnapshots,
  putSqliteSnapshot,
  sqliteKeyCheckIo,
} from './sqlite-snapshots.js';
import { sqliteWatchStore } from './sqlite-watch.js';
import type {
  ActionName,
  ApprovalRequest,
  AuditEvent,
  Execution,
  NewRequest,
  RequestState,
  Snapshot,
  Store,
  TransitionPatch,
  Vote,
} from './types.js';
import { guardWatchStore, type WatchStore } from './watch-types.js';

export interface SqliteStoreOptions {
  snapshotKey?: Buffer | undefined;
  logger?: Logger | undefined;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const limitClause = (limit: number | undefined) =>
  limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(limit))}`;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly key: Buffer | undefined;
  private readonly logger: Logger | undefined;
  private closed = false;
  readonly watch: WatchStore;

  /** Opens (creating if needed) the database; call migrate() before use, or use openStore(). */
  constructor(databaseUrl: string, options: SqliteStoreOptions = {}) {
    const opened = openSqliteDatabase(databaseUrl);
    this.db = opened.db;
    this.path = opened.path;
    this.key = options.snapshotKey;
    this.logger = options.logger;
    this.watch = guardWatchStore(sqliteWatchStore(this.db), (operation, fn) => this.run(operation, fn));
  }

  private async run<T>(operation: string, fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw storeFailure(operation, err);
    }
  }

  async migrate(): Promise<void> {
    await this.run('migrate', () => migrateSqlite(this.db, this.logger));
    await this.run('verifySnapshotKey', () =>
      verifySnapshotKey(sqliteKeyCheckIo(this.db), this.key, this.logger),
    );
  }

  async ping(): Promise<void> {
    await this.run('ping', () => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  async createRequest(r: NewRequest): Promise<ApprovalRequest> {
    return this.run('createRequest', () => {
      try {
        return toRequest(this.insertRequest(r));
      } catch (err) {
        throw isSqliteOpenClash(err) ? openRequestClash(r, err) : err;
      }
    });
  }

  private insertRequest(r: NewRequest): RequestRow {
    return this.db
      .prepare(
        `INSERT INTO requests (id, action, target, params, requester, channel, message_ts, state,
             approvals_required, fingerprint, created_at, expires_at, updated_at, decided_by, decided_at, result)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL) RETURNING *`,
      )
      .get(
        r.id,
        r.action,
        r.target,
        JSON.stringify(r.params),
        r.requester,
        r.channel,
        r.messageTs ?? null,
        r.state,
        r.approvalsRequired,
        r.fingerprint,
        r.createdAt,
        r.expiresAt,
        r.createdAt,
      ) as RequestRow;
  }

  async getRequest(id: string): Promise<ApprovalRequest | null> {
    return this.run('getRequest', () => {
      const row = this.db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as RequestRow | undefined;
      return row ? toRequest(row) : null;
    });
  }

  async listRequests(options: { limit?: number; states?: RequestState[] } = {}): Promise<ApprovalRequest[]> {
    return this.run('listRequests', () => {
      const states = options.states;
      if (states !== undefined && states.length === 0) return [];
      const where = states ? ` WHERE state IN (${marks(states.length)})` : '';
      const rows = this.db
        .prepare(
          `SELECT * FROM requests${where} ORDER BY created_at DESC, id DESC${limitClause(options.limit)}`,
        )
        .all(...(states ?? [])) as RequestRow[];
      return rows.map(toRequest);
    });
  }

  async setMessageTs(id: string, messageTs: string): Promise<void> {
    await this.run('setMessageTs', () =>
      this.db.prepare('UPDATE requests SET message_ts = ? WHERE id = ?').run(messageTs, id),
    );
  }

  async transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    now: number,
    patch: TransitionPatch = {},
  ): Promise<ApprovalRequest | null> {
    if (from.length === 0) return null;
    return this.run('transition', () => {
      const columns = patchColumns(patch);
      const sets = ['state = ?', 'updated_at = ?', ...columns.map(([c]) => `${c} = ?`)].join(', ');
      const row = this.db
        .prepare(`UPDATE requests SET ${sets} WHERE id = ? AND state IN (${marks(from.length)}) RETURNING *`)
        .get(to, now, ...columns.map(([, v]) => v), id, ...from) as RequestRow | undefined;
      return row ? toRequest(row) : null;
    });
  }

  async approveRequest(id: string, now: number, decidedBy: string): Promise<ApprovalRequest | null> {
    return this.run('approveRequest', () => approveSqliteRequest(this.db, id, now, decidedBy));
  }

  async denyRequest(vote: Vote): Promise<ApprovalRequest | null> {
    return this.run('denyRequest', () => denySqliteRequest(this.db, vote));
  }

  async expireDue(now: number): Promise<ApprovalRequest[]> {
    return this.run('expireDue', () => {
      const rows = this.db
        .prepare(
          `UPDATE requests SET state = 'expired', updated_at = ?, decided_by = 'system', decided_at = ?
           WHERE state = 'pending' AND expires_at <= ? RETURNING *`,
        )
        .all(now, now, now) as RequestRow[];
      return rows.map(toRequest);
    });
  }

  async lastFinished(
    action: ActionName,
    target: string,
    states: readonly RequestState[],
  ): Promise<ApprovalRequest | null> {
    if (states.length === 0) return null;
    return this.run('lastFinished', () => {
      const row = this.db
        .prepare(
          `SELECT * FROM requests WHERE action = ? AND target = ? AND state IN (${marks(states.length)})
           ORDER BY updated_at DESC, created_at DESC LIMIT 1`,
        )
        .get(action, target, ...states) as RequestRow | undefined;
      return row ? toRequest(row) : null;
    });
  }

  async castVote(vote: Vote): Promise<boolean> {
    return this.run('castVote', () => castSqliteVote(this.db, vote));
  }

  async listVotes(requestId: string): Promise<Vote[]> {
    return this.run('listVotes', () => listSqliteVotes(this.db, requestId));
  }

  async claimExecution(execution: Omit<Execution, 'finishedAt' | 'outcome'>): Promise<boolean> {
    return this.run('claimExecution', () => claimSqliteExecution(this.db, execution));
  }

  async finishExecution(requestId: string, outcome: Execution['outcome'], now: number): Promise<void> {
    await this.run('finishExecution', () => finishSqliteExecution(this.db, requestId, outcome, now));
  }

  async listExecutions(options: { running?: boolean } = {}): Promise<Execution[]> {
    return this.run('listExecutions', () => listSqliteExecutions(this.db, options.running));
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.run('appendAudit', () =>
      this.db
        .prepare('INSERT INTO audit_events (correlation_id, at, kind, actor, data) VALUES (?, ?, ?, ?, ?)')
        .run(event.correlationId, event.at, event.kind, event.actor, JSON.stringify(event.data)),
    );
  }

  async listAudit(options: { correlationId?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    return this.run('listAudit', () => {
      const where = options.correlationId === undefined ? '' : ' WHERE correlation_id = ?';
      const params = options.correlationId === undefined ? [] : [options.correlationId];
      const rows = this.db
        .prepare(`SELECT * FROM audit_events${where} ORDER BY at DESC, id DESC${limitClause(options.limit)}`)
        .all(...params) as AuditRow[];
      return rows.map(toAudit);
    });
  }

  async putSnapshot(snapshot: Snapshot, keep: number): Promise<boolean> {
    return this.run('putSnapshot', () => putSqliteSnapshot(this.db, snapshot, keep, this.key));
  }

  async listSnapshots(limit?: number): Promise<Snapshot[]> {
    return this.run('listSnapshots', () => listSqliteSnapshots(this.db, limit, this.key));
  }

  async getSnapshot(id: string): Promise<Snapshot | null> {
    return this.run('getSnapshot', () => getSqliteSnapshot(this.db, id, this.key));
  }

  async interruptAbandoned(requestId: string, ownerLease: string): Promise<Execution | null> {
    return this.run('interruptAbandoned', () => interruptSqliteAbandoned(this.db, requestId, ownerLease));
  }

  async tryLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.run('tryLease', () => trySqliteLease(this.db, name, owner, ttlMs));
  }

  async claimSlot(name: string, owner: string, intervalMs: number): Promise<number | null> {
    return this.run('claimSlot', () => claimSqliteSlot(this.db, name, owner, intervalMs));
  }

  async fingerprintKey(): Promise<Buffer> {
    return this.run('fingerprintKey', () => readOrCreateInstallationKey(sqliteKeyCheckIo(this.db)));
  }

  async recordRejectedKey(fingerprint: string, at: number): Promise<void> {
    return this.run('recordRejectedKey', () => recordSqliteRejectedKey(this.db, fingerprint, at));
  }

  async keyRejectedAt(fingerprint: string): Promise<number | null> {
    return this.run('keyRejectedAt', () => sqliteKeyRejectedAt(this.db, fingerprint));
  }
}
