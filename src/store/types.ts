// The Store: approvals, votes, the execution ledger, the audit trail and config snapshots.
// Implementations: ./sqlite.ts (default) and ./postgres.ts. Both pass test/store/contract.ts.
// Every state change that decides who acts is a single atomic statement (compare-and-set), never
// read-then-write in application code.

import type { WatchStore } from './watch-types.js';

export type ActionName = 'refresh' | 'relogin' | 'reenable' | 'rollback' | 'reset-cooldown';

export type RequestState =
  | 'pending'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'stale'
  | 'running'
  | 'verified'
  | 'failed'
  | 'interrupted';

export const TERMINAL_STATES: readonly RequestState[] = [
  'denied',
  'expired',
  'stale',
  'verified',
  'failed',
  'interrupted',
];

export interface ApprovalRequest {
  id: string; // also the correlation id of every audit event about it
  action: ActionName;
  /** What the action mutates, e.g. "provider:kiro", "credential:kiro-a.json", "config". One mutation per target. */
  target: string;
  /** Action parameters (provider, credential names, snapshot id, ...). JSON-serialisable, no secrets. */
  params: Record<string, unknown>;
  requester: string; // Slack user id (or "cli:NAME")
  channel: string;
  messageTs: string | null; // the request message, once posted
  state: RequestState;
  approvalsRequired: number;
  /** Fingerprint of the target's state when the request was made; a change makes the request stale. */
  fingerprint: string;
  createdAt: number; // epoch ms
  expiresAt: number;
  updatedAt: number;
  /** Who moved it to its current state and when (approver, denier, "system"). */
  decidedBy: string | null;
  decidedAt: number | null;
  result: Record<string, unknown> | null;
}

export type NewRequest = Omit<
  ApprovalRequest,
  'updatedAt' | 'decidedBy' | 'decidedAt' | 'result' | 'messageTs'
> & {
  messageTs?: string | null;
};

export interface Vote {
  requestId: string;
  userId: string;
  decision: 'approve' | 'deny';
  at: number;
}

export interface Execution {
  requestId: string;
  target: string;
  owner: string; // replica id
  startedAt: number;
  finishedAt: number | null;
  outcome: 'running' | 'verified' | 'failed' | 'interrupted';
}

export interface AuditEvent {
  id?: number;
  correlationId: string; // request id, or a fresh id for events outside a request
  at: number;
  kind: string; // request.created, vote.cast, proxy.call, verify.result, message.posted, ...
  actor: string | null;
  data: Record<string, unknown>; // never a secret
}

export interface Snapshot {
  id: string;
  takenAt: number;
  hash: string; // sha256 of the plaintext content
  content: string; // plaintext (the store encrypts/decrypts when a key is configured)
  reason: string; // "interval" | "pre-mutation:<request id>" | ...
}

export interface TransitionPatch {
  decidedBy?: string | null;
  decidedAt?: number | null;
  result?: Record<string, unknown> | null;
  messageTs?: string | null;
  fingerprint?: string;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** The credential watch's alerts, silences, expiry facts and digests. */
  readonly watch: WatchStore;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  /**
   * Stores a new request. Throws an AppError with code `conflict` when another request for the same
   * action and target is still open (pending, approved or running): a unique index decides, so of two
   * concurrent creates exactly one succeeds.
   */
  createRequest(request: NewRequest): Promise<ApprovalRequest>;
  getRequest(id: string): Promise<ApprovalRequest | null>;
  listRequests(options?: { limit?: number; states?: RequestState[] }): Promise<ApprovalRequest[]>;
  setMessageTs(id: string, messageTs: string): Promise<void>;
  /** Atomic compare-and-set: moves the request to `to` only if its state is one of `from`. Null when it was not. */
  transition(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    now: number,
    patch?: TransitionPatch,
  ): Promise<ApprovalRequest | null>;
  /**
   * Moves a request to approved in one conditional write: only while it is pending, not expired at
   * `now` (expiresAt > now), carries no deny vote, and has at least approvalsRequired approve votes.
   * Null when any of these does not hold. The generic transition() must not be used to approve.
   */
  approveRequest(id: string, now: number, decidedBy: string): Promise<ApprovalRequest | null>;
  /**
   * Records `vote` (a deny) and moves the request to denied, atomically: both happen or neither. Null
   * when the request is no longer pending or this user has already voted on it.
   */
  denyRequest(vote: Vote): Promise<ApprovalRequest | null>;
  /** Pending requests whose expiresAt <= now, moved to expired atomically; returns the ones this call moved. */
  expireDue(now: number): Promise<ApprovalRequest[]>;
  /** Newest request for the same action and target that reached a state in `states` (cooldown). */
  lastFinished(
    action: ActionName,
    target: string,
    states: readonly RequestState[],
  ): Promise<ApprovalRequest | null>;

  /** Records a vote; false when this user already voted on this request (unique per request and user). */
  castVote(vote: Vote): Promise<boolean>;
  listVotes(requestId: string): Promise<Vote[]>;

  /**
   * The at-most-once ledger: inserts an execution for the request. False when the request already has one
   * or another execution on the same target is still running (one mutation per target at a time).
   */
  claimExecution(execution: Omit<Execution, 'finishedAt' | 'outcome'>): Promise<boolean>;
  finishExecution(requestId: string, outcome: Execution['outcome'], now: number): Promise<void>;
  listExecutions(options?: { running?: boolean }): Promise<Execution[]>;

  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(options?: { correlationId?: string; limit?: number }): Promise<AuditEvent[]>;

  /** Stores the snapshot unless the newest one has the same hash; returns whether it stored. Keeps the newest `keep`. */
  putSnapshot(snapshot: Snapshot, keep: number): Promise<boolean>;
  listSnapshots(limit?: number): Promise<Snapshot[]>; // newest first
  getSnapshot(id: string): Promise<Snapshot | null>;

  /**
   * This installation's random key for fingerprinting secrets (32 bytes): created by the first caller of any
   * replica, atomically (insert-if-absent, then read, so every replica gets the same key), then only read.
   */
  fingerprintKey(): Promise<Buffer>;

  /**
   * Marks the running execution of `requestId` interrupted, only if the lease `ownerLease` (its owner's
   * liveness lease) is missing or expired on the database clock. The execution when this call moved it.
   * It never touches the lease itself, so an owner that was only late can still renew its own lease.
   */
  interruptAbandoned(requestId: string, ownerLease: string): Promise<Execution | null>;

  /**
   * A lease for work that one replica should do at a time (expiry sweep, liveness): taken when free,
   * expired, or already held by `owner` (then renewed for ttlMs). Times come from the database clock.
   */
  tryLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Claims the current slot of a fixed interval for `name` (slot = floor(database now / intervalMs)):
   * exactly one caller per slot gets the slot's start time (epoch ms, database clock); the rest get null.
   */
  claimSlot(name: string, owner: string, intervalMs: number): Promise<number | null>;

  /** Records that the proxy rejected the management key with this fingerprint (never the key); keeps the latest time. */
  recordRejectedKey(fingerprint: string, at: number): Promise<void>;
  /** When the key with this fingerprint was last recorded as rejected (ms epoch), or null. */
  keyRejectedAt(fingerprint: string): Promise<number | null>;
}
