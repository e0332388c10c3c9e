// The contract every Store implementation passes (SQLite and PostgreSQL run the same cases).
import { afterEach } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';

export { newRequest, newSnapshot, T0 } from './fixtures.js';

import { coordinationContract } from './contract-coordination.js';
import { decisionContract } from './contract-decisions.js';
import { installationKeyContract } from './contract-installation-key.js';
import { rejectedKeyContract } from './contract-keys.js';
import { requestContract } from './contract-requests.js';
import { snapshotContract } from './contract-snapshots.js';
import { watchContract } from './contract-watch.js';

export interface StoreHarness {
  /** The URL of a fresh, empty database (nothing migrated yet). */
  freshUrl(): Promise<string>;
  /** Every snapshot row's raw `content` column, read straight from the database, bypassing the store. */
  rawSnapshotContents(url: string): Promise<string[]>;
}

export interface ContractContext {
  /** A fresh, migrated store (closed after each test). */
  fresh(): Promise<Store>;
  /** Opens (and migrates) the store at `url`, optionally with a snapshot key (closed after each test). */
  openAt(url: string, snapshotKey?: Buffer): Promise<Store>;
  harness: StoreHarness;
}

/** Registers the contract: every Store implementation must pass all of it. */
export function storeContract(name: string, makeStore: () => Promise<Store>, harness: StoreHarness): void {
  const open: Store[] = [];
  const track = (store: Store): Store => {
    open.push(store);
    return store;
  };
  const ctx: ContractContext = {
    fresh: async () => track(await makeStore()),
    openAt: async (url, snapshotKey) => track(await openStore(url, { snapshotKey })),
    harness,
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  requestContract(name, ctx);
  coordinationContract(name, ctx);
  decisionContract(name, ctx);
  snapshotContract(name, ctx);
  installationKeyContract(name, ctx);
  rejectedKeyContract(name, ctx);
  watchContract(name, ctx);
}
