// The credential watch's tables on SQLite. Alert states are written in one IMMEDIATE transaction that
// first checks the writer still holds its lease; message claims are single conditional UPDATEs.
import type Database from 'better-sqlite3';
import type { AlertState } from '../domain/watch/evaluate.js';
import type { ExpiryFacts } from '../watch/read-credentials.js';
import { SQLITE_NOW_MS } from './db-clock.js';
import {
  claimToken,
  type StoredAlert,
  type StoredSilence,
  staleClaimBound,
  type WatchStore,
} from './watch-types.js';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

interface AlertRow {
  state: string;
  channel: string | null;
  message_ts: string | null;
}
interface SilenceRow {
  id: string;
  credential: string;
  condition: string | null;
  until_at: number;
  created_by: string;
  created_at: number;
}

export const toSilence = (r: SilenceRow): StoredSilence => ({
  id: r.id,
  credential: r.credential,
  condition: r.condition as StoredSilence['condition'],
  until: Number(r.until_at),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
});

export function sqliteWatchStore(db: Database.Database): WatchStore {
  return {
    async loadAlerts(proxy) {
      const rows = db
        .prepare('SELECT state, channel, message_ts FROM watch_alerts WHERE proxy = ?')
        .all(proxy) as AlertRow[];
      return rows.map(
        (r): StoredAlert => ({
          state: JSON.parse(r.state) as AlertState,
          channel: r.channel,
          messageTs: r.message_ts,
        }),
      );
    },
    async saveAlerts(proxy, lease, upserts, deletes, now) {
      const save = db.transaction(() => {
        const held = db
          .prepare(`SELECT 1 FROM leases WHERE name = ? AND owner = ? AND expires_at > ${SQLITE_NOW_MS}`)
          .get(lease.name, lease.owner);
        if (!held) return false;
        // a new episode (pending, or a resolved alert firing again at once) gets a message of its own
        const put = db.prepare(
          `INSERT INTO watch_alerts (proxy, alert_key, phase, state, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (proxy, alert_key) DO UPDATE SET phase = excluded.phase, state = excluded.state,
             updated_at = excluded.updated_at,
             channel = CASE WHEN excluded.phase = 'pending'
               OR (watch_alerts.phase = 'resolved' AND excluded.phase = 'firing')
               THEN NULL ELSE watch_alerts.channel END,
             message_ts = CASE WHEN excluded.phase = 'pending'
               OR (watch_alerts.phase = 'resolved' AND excluded.phase = 'firing')
               THEN NULL ELSE watch_alerts.message_ts END`,
        );
        for (const a of upserts) put.run(proxy, a.key, a.phase, JSON.stringify(a), now);
        if (deletes.length > 0) {
          db.prepare(
            `DELETE FROM watch_alerts WHERE proxy = ? AND alert_key IN (${marks(deletes.length)})`,
          ).run(proxy, ...deletes);
        }
        return true;
      });
      return save.immediate();
    },
    async claimAlertMessage(proxy, keys, claim, timed) {
      if (keys.length === 0) return false;
      const bound = timed ? staleClaimBound(timed.staleBefore) : null;
      const claimed = db.transaction(() => {
        const free = db
          .prepare(
            `SELECT COUNT(*) AS n FROM watch_alerts
             WHERE proxy = ? AND alert_key IN (${marks(keys.length)})
               AND (message_ts IS NULL OR (? IS NOT NULL AND message_ts LIKE 'claim:%' AND message_ts < ?))`,
          )
          .get(proxy, ...keys, bound, bound) as { n: number };
        if (Number(free.n) !== keys.length) return false;
        db.prepare(
          `UPDATE watch_alerts SET message_ts = ? WHERE proxy = ? AND alert_key IN (${marks(keys.length)})`,
        ).run(claimToken(claim, timed?.at), proxy, ...keys);
        return true;
      });
      return claimed.immediate();
    },
    async setAlertMessage(proxy, keys, channel, messageTs) {
      if (keys.length === 0) return;
      db.prepare(
        `UPDATE watch_alerts SET channel = ?, message_ts = ? WHERE proxy = ? AND alert_key IN (${marks(keys.length)})`,
      ).run(channel, messageTs, proxy, ...keys);
    },
    async loadExpiryFacts(proxy) {
      const rows = db
        .prepare('SELECT name, modtime, size, expires_at FROM watch_expiry WHERE proxy = ?')
        .all(proxy) as Array<{
        name: string;
        modtime: string | null;
        size: number | null;
        expires_at: string | null;
      }>;
      return new Map(
        rows.map((r) => [
          r.name,
          { modtime: r.modtime, size: r.size === null ? null : Number(r.size), expiresAt: r.expires_at },
        ]),
      );
    },
    async saveExpiryFacts(proxy, changed: Map<string, ExpiryFacts>, gone) {
      const save = db.transaction(() => {
        const put = db.prepare(
          `INSERT INTO watch_expiry (proxy, name, modtime, size, expires_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (proxy, name) DO UPDATE SET modtime = excluded.modtime, size = excluded.size,
             expires_at = excluded.expires_at`,
        );
        for (const [name, f] of changed) put.run(proxy, name, f.modtime, f.size, f.expiresAt);
        const del = db.prepare('DELETE FROM watch_expiry WHERE proxy = ? AND name = ?');
        for (const name of gone) del.run(proxy, name);
      });
      save.immediate();
    },
    async addSilence(proxy, s) {
      db.prepare(
        `INSERT INTO watch_silences (id, proxy, credential, condition, until_at, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(s.id, proxy, s.credential, s.condition, s.until, s.createdBy, s.createdAt);
    },
    async endSilence(proxy, id, now) {
      const r = db
        .prepare('UPDATE watch_silences SET until_at = ? WHERE proxy = ? AND id = ? AND until_at > ?')
        .run(now, proxy, id, now);
      return r.changes === 1;
    },
    async listSilences(proxy, now) {
      const rows = db
        .prepare('SELECT * FROM watch_silences WHERE proxy = ? AND until_at > ? ORDER BY created_at')
        .all(proxy, now) as SilenceRow[];
      return rows.map(toSilence);
    },
    async claimDigest(proxy, day, owner, now) {
      const r = db
        .prepare(
          `INSERT INTO watch_digests (proxy, day, owner, claimed_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (proxy, day) DO NOTHING`,
        )
        .run(proxy, day, owner, now);
      return r.changes === 1;
    },
  };
}
