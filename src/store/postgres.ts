// PostgresStore: for several bot replicas sharing the work. Same semantics as SqliteStore: every
// deciding state change is one atomic statement (READ COMMITTED re-checks the WHERE clause after a
// concurrent update, so compare-and-set holds across replicas); migrations run under an advisory lock.
import pg from 'pg';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { verifySnapshotKey } from './crypto.js';
import { describeDatabaseUrl, scrubPassword } from './database-url.js';
import { readOrCreateInstallationKey } from './installation-key.js';
import {
  approvePostgresRequest,
  claimPostgresSlot,
  denyPostgresRequest,
  interruptPostgresAbandoned,
  isPostgresOpenClash,
  tryPostgresLease,
} from './postgres-decisions.js';
import {
  castPostgresVote,
  claimPostgresExecution,
  finishPostgresExecution,
  listPostgresExecutions,
  listPostgresVotes,
} from './postgres-ledger.js';
import { migratePostgres } from './postgres-migrate.js';
import {
  insertPostgresRequest,
  listPostgresAudit,
  listPostgresRequests,
  type Rows,
} from './postgres-queries.js';
import {
  getPostgresSnapshot,
  listPostgresSnapshots,
  postgresKeyCheckIo,
  putPostgresSnapshot,
} from './postgres-snapshots.js';
import { postgresWatchStore } from './postgres-watch.js';
import { postgresKeyRejectedAt, recordPostgresRejectedKey } from './rejected-keys.js';
import { openRequestClash, patchColumns, type RequestRow, storeFailure, toRequest } from './rows.js';
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

export interface PostgresStoreOptions {
  snapshotKey?: Buffer | undefined;
  logger?: Logger | undefined;
  /** Pool size; default 10. */
  maxConnections?: number;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly key: Buffer | undefined;
  private readonly logger: Logger | undefined;
  private closed = false;
  readonly watch: WatchStore;

  /** Creates the pool (no connection yet); call connect() and migrate(), or use openStore(). */
  constructor(
    private readonly databaseUrl: string,
    options: PostgresStoreOptions = {},
  ) {
    this.key = options.snapshotKey;
    this.logger = options.logger;
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'cliproxy-auth-bot',
    });
    // an idle client losing its connection must not crash the process; the next query reports it
    this.pool.on('error', (err) => this.logger?.warn({ err }, 'PostgreSQL connection lost'));
    this.watch = guardWatchStore(postgresWatchStore(this.pool), (operation, fn) => this.guard(operation, fn));
  }

  /** Checks that the server answers; the error names AUTHBOT_DATABASE_URL without its password. */
  async connect(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (err) {
      const reason = scrubPassword(err instanceof Error ? err.message : String(err), this.databaseUrl);
      throw new AppError(
        'store_error',
        `Cannot connect to PostgreSQL at ${describeDatabaseUrl(this.databaseUrl)} (AUTHBOT_DATABASE_URL): ${reason}`,
        {
          hint: 'Check AUTHBOT_DATABASE_URL (host, port, user, password, database) and that the server is up.',
        },
      );
    }
  }

  private async guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw storeFailure(operation, err);
    }
  }

  private async rows<R extends pg.QueryResultRow>(
    operation: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw storeFailure(operation, err);
    }
  }

  /** `rows` for the query modules (postgres-requests.ts): failures become the store's errors. */
  private readonly rowsOf: Rows = (operation, sql, params) => this.rows(operation, sql, params);

  async migrate(): Promise<void> {
    await this.guard('migrate', async () => {
      await migratePostgres(this.pool, this.logger);
      await verifySnapshotKey(postgresKeyCheckIo(this.pool), this.key, this.logger);
    });
  }

  async ping(): Promise<void> {
    await this.rows('ping', 'SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async createRequest(r: NewRequest): Promise<ApprovalRequest> {
    try {
      return await insertPostgresRequest(this.rowsOf, r);
    } catch (err) {
      throw isPostgresOpenClash((err as AppError).cause) ? openRequestClash(r, err) : err;
    }
  }

  async getRequest(id: string): Promise<ApprovalRequest | null> {
    const [row] = await this.rows<RequestRow>('getRequest', 'SELECT * FROM requests WHERE id = $1', [id]);
    return row ? toRequest(row) : null;
  }

  async listRequests(options: { limit?: number; states?: RequestState[] } = {}): Promise<ApprovalRequest[]> {
    return listPostgresRequests(this.rowsOf, options);
  }

  async setMessageTs(id: string, messageTs: string): Promise<void> {
    await this.rows('setMessageTs', 'UPDATE requests SET message_ts = $1 WHERE id = $2', [messageTs, id]);
  }

  async transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    now: number,
    patch: TransitionPatch = {},
  ): Promise<ApprovalRequest | null> {
    if (from.length === 0) return null;
    const columns = patchColumns(patch);
    const params: unknown[] = [to, now, ...columns.map(([, v]) => v), id, [...from]];
    const sets = [
      'state = $1',
      'updated_at = $2',
      ...columns.map(([c], i) => `${c} = $${i + 3}${c === 'result' ? '::jsonb' : ''}`),
    ];
    const [row] = await this.rows<RequestRow>(
      'transition',
      `UPDATE requests SET ${sets.join(', ')}
       WHERE id = $${params.length - 1} AND state = ANY($${params.length}::text[]) RETURNING *`,
      params,
    );
    return row ? toRequest(row) : null;
  }

  async approveRequest(id: string, now: number, decidedBy: string): Promise<ApprovalRequest | null> {
    return this.guard('approveRequest', () => approvePostgresRequest(this.pool, id, now, decidedBy));
  }

  async denyRequest(vote: Vote): Promise<ApprovalRequest | null> {
    return this.guard('denyRequest', () => denyPostgresRequest(this.pool, vote));
  }

  async expireDue(now: number): Promise<ApprovalRequest[]> {
    const rows = await this.rows<RequestRow>(
      'expireDue',
      `UPDATE requests SET state = 'expired', updated_at = $1, decided_by = 'system', decided_at = $1
       WHERE state = 'pending' AND expires_at <= $1 RETURNING *`,
      [now],
    );
    return rows.map(toRequest);
  }

  async lastFinished(
    action: ActionName,
    target: string,
    states: readonly RequestState[],
  ): Promise<ApprovalRequest | null> {
    if (states.length === 0) return null;
    const [row] = await this.rows<RequestRow>(
      'lastFinished',
      `SELECT * FROM requests WHERE action = $1 AND target = $2 AND state = ANY($3::text[])
       ORDER BY updated_at DESC, created_at DESC LIMIT 1`,
      [action, target, [...states]],
    );
    return row ? toRequest(row) : null;
  }

  async castVote(vote: Vote): Promise<boolean> {
    return this.guard('castVote', () => castPostgresVote(this.pool, vote));
  }

  async listVotes(requestId: string): Promise<Vote[]> {
    return this.guard('listVotes', () => listPostgresVotes(this.pool, requestId));
  }

  async claimExecution(execution: Omit<Execution, 'finishedAt' | 'outcome'>): Promise<boolean> {
    return this.guard('claimExecution', () => claimPostgresExecution(this.pool, execution));
  }

  async finishExecution(requestId: string, outcome: Execution['outcome'], now: number): Promise<void> {
    await this.guard('finishExecution', () => finishPostgresExecution(this.pool, requestId, outcome, now));
  }

  async listExecutions(options: { running?: boolean } = {}): Promise<Execution[]> {
    return this.guard('listExecutions', () => listPostgresExecutions(this.pool, options.running));
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.rows(
      'appendAudit',
      'INSERT INTO audit_events (correlation_id, at, kind, actor, data) VALUES ($1, $2, $3, $4, $5::jsonb)',
      [event.correlationId, event.at, event.kind, event.actor, JSON.stringify(event.data)],
    );
  }

  async listAudit(options: { correlationId?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    return listPostgresAudit(this.rowsOf, options);
  }

  async putSnapshot(snapshot: Snapshot, keep: number): Promise<boolean> {
    return this.guard('putSnapshot', () => putPostgresSnapshot(this.pool, snapshot, keep, this.key));
  }

  async listSnapshots(limit?: number): Promise<Snapshot[]> {
    return this.guard('listSnapshots', () => listPostgresSnapshots(this.pool, limit, this.key));
  }

  async getSnapshot(id: string): Promise<Snapshot | null> {
    return this.guard('getSnapshot', () => getPostgresSnapshot(this.pool, id, this.key));
  }

  async interruptAbandoned(requestId: string, ownerLease: string): Promise<Execution | null> {
    return this.guard('interruptAbandoned', () =>
      interruptPostgresAbandoned(this.pool, requestId, ownerLease),
    );
  }

  async tryLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.guard('tryLease', () => tryPostgresLease(this.pool, name, owner, ttlMs));
  }

  async claimSlot(name: string, owner: string, intervalMs: number): Promise<number | null> {
    return this.guard('claimSlot', () => claimPostgresSlot(this.pool, name, owner, intervalMs));
  }

  async fingerprintKey(): Promise<Buffer> {
    return this.guard('fingerprintKey', () => readOrCreateInstallationKey(postgresKeyCheckIo(this.pool)));
  }

  async recordRejectedKey(fingerprint: string, at: number): Promise<void> {
    return this.guard('recordRejectedKey', () => recordPostgresRejectedKey(this.pool, fingerprint, at));
  }

  async keyRejectedAt(fingerprint: string): Promise<number | null> {
    return this.guard('keyRejectedAt', () => postgresKeyRejectedAt(this.pool, fingerprint));
  }
}
