import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type ApprovalEngine, createApprovalEngine } from '../../src/approvals/engine.js';
import { parsePolicy } from '../../src/domain/approvals/load-policy.js';
import type { Policy } from '../../src/domain/approvals/policy.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { FakeClient, RecordingMessenger } from './fakes.js';

/** The tests' approval policy for `channel`: three approvers, one group, no cooldowns. */
export const policyIn = (channel: string) => `
channels: [${channel}]
approvers: { users: [U0ALICE, U0BOB, U0REQ], usergroups: [S0ONCALL] }
actions:
  refresh: { cooldown: 0s }
  relogin: { cooldown: 0s }
  reenable: { cooldown: 0s }
`;

export const POLICY_YAML = policyIn('C0INC');

export interface World {
  store: Store;
  client: FakeClient;
  messenger: RecordingMessenger;
  engine: ApprovalEngine;
  clock: { t: number };
  file: string;
  policy: Policy;
  restart(): Promise<void>;
  /** Rebuilds the engine over a wrapped store (fault injection); `store` stays the real one. */
  rewire(wrap: (store: Store) => Store): void;
}

export async function makeWorld(policyYaml = POLICY_YAML, file?: string): Promise<World> {
  const dbFile = file ?? join(mkdtempSync(join(tmpdir(), 'engine-')), 'bot.sqlite');
  const clock = { t: Date.parse('2026-03-01T10:00:00Z') };
  const now = () => clock.t;
  const policy = parsePolicy(policyYaml, 'test-policy.yml');
  const client = new FakeClient(now);
  const messenger = new RecordingMessenger();
  const logger = pino({ level: 'silent' });
  const groups: Record<string, string[]> = { S0ONCALL: ['U0CAROL'] };
  const build = (store: Store) =>
    createApprovalEngine({
      store,
      client,
      messenger,
      policy,
      resolveGroupMembers: async (g) => groups[g] ?? [],
      logger,
      now,
      sleep: async (ms) => {
        clock.t += ms;
      },
      verify: { pollIntervalMs: 100, timeoutMs: 500 },
      login: { pollIntervalMs: 100, timeoutMs: 2000 },
    });
  const world: World = {
    store: await openStore(`file:${dbFile}`),
    client,
    messenger,
    engine: undefined as unknown as ApprovalEngine,
    clock,
    file: dbFile,
    policy,
    async restart() {
      await world.engine.drain();
      await world.store.close();
      world.store = await openStore(`file:${dbFile}`);
      world.engine = build(world.store);
    },
    rewire(wrap) {
      world.engine = build(wrap(world.store));
    },
  };
  world.engine = build(world.store);
  return world;
}

export async function requestKiro(w: World, user = 'U0REQ', text = 'kiro'): Promise<string> {
  const r = await w.engine.requestRefresh({ userId: user, channel: 'C0INC', text });
  if (!r.ok) throw new Error(`request refused: ${r.reason}`);
  return r.request.id;
}
