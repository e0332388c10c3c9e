// The credential watch's tables on PostgreSQL: alert states are written in one transaction that first
// locks and checks the writer's lease row; message claims and the digest claim are single statements.
import type pg from 'pg';
import type { AlertState } from '../domain/watch/evaluate.js';
import { POSTGRES_NOW_MS } from './db-clock.js';
import { toSilence } from './sqlite-watch.js';
import { claimToken, type StoredSilence, staleClaimBound, type WatchStore } from './watch-types.js';

export function postgresWatchStore(pool: pg.Pool): WatchStore {
  const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
    (await pool.query<R>(sql, params)).rows;
  return {
    async loadAlerts(proxy) {
      const rows = await q<{ state: AlertState; channel: string | null; message_ts: string | null }>(
        'SELECT state, channel, message_ts FROM watch_alerts WHERE proxy = $1',
        [proxy],
      );
      return rows.map((r) => ({ state: r.state, channel: r.channel, messageTs: r.message_ts }));
    },
    async saveAlerts(proxy, lease, upserts, deletes, now) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const held = await client.query(
          `SELECT 1 FROM leases WHERE name = $1 AND owner = $2 AND expires_at > ${POSTGRES_NOW_MS} FOR UPDATE`,
          [lease.name, lease.owner],
        );
        if (held.rowCount !== 1) {
          await client.query('ROLLBACK');
          return false;
        }
        for (const a of upserts) {
          await client.query(
            `INSERT INTO watch_alerts (proxy, alert_key, phase, state, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (proxy, alert_key) DO UPDATE SET phase = excluded.phase, state = excluded.state,
               updated_at = excluded.updated_at,
               channel = CASE WHEN excluded.phase = 'pending'
                 OR (watch_alerts.phase = 'resolved' AND excluded.phase = 'firing')
                 THEN NULL ELSE watch_alerts.channel END,
               message_ts = CASE WHEN excluded.phase = 'pending'
                 OR (watch_alerts.phase = 'resolved' AND excluded.phase = 'firing')
                 THEN NULL ELSE watch_alerts.message_ts END`,
            [proxy, a.key, a.phase, JSON.stringify(a), now],
          );
        }
        if (deletes.length > 0) {
          await client.query('DELETE FROM watch_alerts WHERE proxy = $1 AND alert_key = ANY($2)', [
            proxy,
            deletes,
          ]);
        }
        await client.query('COMMIT');
        return true;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async claimAlertMessage(proxy, keys, claim, timed) {
      if (keys.length === 0) return false;
      // one statement; a group's keys are always claimed together, so it gets all of them or none
      const rows = await q(
        `UPDATE watch_alerts SET message_ts = $3
         WHERE proxy = $1 AND alert_key = ANY($2)
           AND (message_ts IS NULL OR ($4::text IS NOT NULL AND message_ts LIKE 'claim:%' AND message_ts < $4))
         RETURNING alert_key`,
        [proxy, keys, claimToken(claim, timed?.at), timed ? staleClaimBound(timed.staleBefore) : null],
      );
      return rows.length === keys.length;
    },
    async setAlertMessage(proxy, keys, channel, messageTs) {
      if (keys.length === 0) return;
      await q(
        'UPDATE watch_alerts SET channel = $3, message_ts = $4 WHERE proxy = $1 AND alert_key = ANY($2)',
        [proxy, keys, channel, messageTs],
      );
    },
    async loadExpiryFacts(proxy) {
      const rows = await q<{
        name: string;
        modtime: string | null;
        size: string | null;
        expires_at: string | null;
      }>('SELECT name, modtime, size, expires_at FROM watch_expiry WHERE proxy = $1', [proxy]);
      return new Map(
        rows.map((r) => [
          r.name,
          { modtime: r.modtime, size: r.size === null ? null : Number(r.size), expiresAt: r.expires_at },
        ]),
      );
    },
    async saveExpiryFacts(proxy, changed, gone) {
      if (changed.size === 0 && gone.length === 0) return;
      const names = [...changed.keys()];
      const facts = [...changed.values()];
      await q(
        `INSERT INTO watch_expiry (proxy, name, modtime, size, expires_at)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])
         ON CONFLICT (proxy, name) DO UPDATE SET modtime = excluded.modtime, size = excluded.size,
           expires_at = excluded.expires_at`,
        [proxy, names, facts.map((f) => f.modtime), facts.map((f) => f.size), facts.map((f) => f.expiresAt)],
      );
      if (gone.length > 0)
        await q('DELETE FROM watch_expiry WHERE proxy = $1 AND name = ANY($2)', [proxy, gone]);
    },
    async addSilence(proxy, s) {
      await q(
        `INSERT INTO watch_silences (id, proxy, credential, condition, until_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [s.id, proxy, s.credential, s.condition, s.until, s.createdBy, s.createdAt],
      );
    },
    async endSilence(proxy, id, now) {
      const rows = await q(
        'UPDATE watch_silences SET until_at = $3 WHERE proxy = $1 AND id = $2 AND until_at > $3 RETURNING id',
        [proxy, id, now],
      );
      return rows.length === 1;
    },
    async listSilences(proxy, now): Promise<StoredSilence[]> {
      const rows = await q<Parameters<typeof toSilence>[0]>(
        'SELECT * FROM watch_silences WHERE proxy = $1 AND until_at > $2 ORDER BY created_at',
        [proxy, now],
      );
      return rows.map(toSilence);
    },
    async claimDigest(proxy, day, owner, now) {
      const rows = await q(
        `INSERT INTO watch_digests (proxy, day, owner, claimed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (proxy, day) DO NOTHING RETURNING day`,
        [proxy, day, owner, now],
      );
      return rows.length === 1;
    },
  };
}
