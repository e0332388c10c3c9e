import { describe, expect, it } from 'vitest';
import {
  type ConditionId,
  detectCredential,
  detectProxy,
  type Observation,
  type WatchedCredential,
} from '../../../src/domain/watch/conditions.js';
import {
  type AlertState,
  evaluatePoll,
  type Poll,
  type Silence,
} from '../../../src/domain/watch/evaluate.js';

const MIN = 60_000;
const settings = { group: 5, repeatMs: 60 * MIN, resolveAfter: 2 };
const obs = (condition: ConditionId, credential: string | null = 'kiro-a.json'): Observation => ({
  condition,
  credential,
  provider: credential ? 'kiro' : null,
  expiresAt: null,
  nextRetryAfter: null,
  detail: condition,
});
const good = (...observations: Observation[]): Poll => ({ ok: true, observations });

/** Runs polls one minute apart and returns the effects of each. */
function run(polls: Poll[], silences: Silence[] = [], start: AlertState[] = []) {
  let alerts = start;
  return polls.map((poll, i) => {
    const r = evaluatePoll(alerts, poll, silences, i * MIN, settings);
    alerts = r.alerts;
    return { effects: r.effects, alerts };
  });
}
const kinds = (step: { effects: { kind: string }[] }) => step.effects.map((e) => e.kind);

describe('evaluatePoll', () => {
  it('fires a damped condition only on the second consecutive poll that sees it', () => {
    const steps = run([good(obs('expiring')), good(obs('expiring')), good(obs('expiring'))]);
    expect(steps.map(kinds)).toEqual([[], ['fire'], []]);
  });

  it.each(['expired', 'refresh-stopped', 'suspended'] as const)('fires %s on the first poll', (c) => {
    expect(kinds(run([good(obs(c))])[0] as never)).toEqual(['fire']);
  });

  it('resolves after two good polls without the condition, with the duration', () => {
    const steps = run([good(obs('expired')), good(), good()]);
    expect(steps.map(kinds)).toEqual([['fire'], [], ['resolve']]);
    expect(steps[2]?.effects[0]).toMatchObject({ kind: 'resolve', durationMs: 2 * MIN });
  });

  it('a credential flapping every poll gives one alert, not one per flap', () => {
    const flap = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? good(obs('expired')) : good()));
    const all = run(flap).flatMap(kinds);
    expect(all).toEqual(['fire']);
    // a damped condition never holds on two polls in a row when it flaps: its third comeback fires it
    const damped = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? good(obs('cooldown')) : good()));
    const steps = run([...damped, good(), good()]);
    // polls 0..11 alternate (the last one clear), then two more clear polls: resolved on the second clear
    expect(steps.map(kinds)).toEqual([[], [], [], [], ['fire'], [], [], [], [], [], [], [], ['resolve'], []]);
    expect(steps[4]?.alerts[0]).toMatchObject({ phase: 'firing', flapping: true });
  });

  it('a one-poll blip is forgotten, and two comebacks are not yet flapping', () => {
    const blips = [good(obs('cooldown')), good(), good(), good(obs('cooldown')), good(), good()];
    const steps = run(blips);
    expect(steps.flatMap(kinds)).toEqual([]);
    expect(steps[2]?.alerts).toEqual([]);
    const twice = [good(obs('expiring')), good(), good(obs('expiring')), good(), good(), good()];
    expect(run(twice).flatMap(kinds)).toEqual([]);
    // held on two in a row after a comeback: an ordinary (not flapping) alert
    const held = run([good(obs('expiring')), good(), good(obs('expiring')), good(obs('expiring'))]);
    expect(held.map(kinds)).toEqual([[], [], [], ['fire']]);
    expect(held[3]?.alerts[0]?.flapping).toBeUndefined();
  });

  it('pending rows stored before sightings were counted still fire on the next sighting', () => {
    const [first] = run([good(obs('cooldown'))]);
    const legacy = first?.alerts.map(({ hits: _h, ...a }) => a) ?? [];
    const r = evaluatePoll(legacy, good(obs('cooldown')), [], MIN, settings);
    expect(r.effects.map((e) => e.kind)).toEqual(['fire']);
  });

  it('groups more than `group` credentials entering one condition in one poll', () => {
    const many = Array.from({ length: 20 }, (_, i) => obs('expired', `kiro-${i}.json`));
    const [step] = run([good(...many)]);
    expect(step?.effects).toHaveLength(1);
    expect(step?.effects[0]).toMatchObject({ kind: 'fire', condition: 'expired' });
    expect((step?.effects[0] as { keys: string[] } | undefined)?.keys).toHaveLength(20);
    const few = Array.from({ length: 5 }, (_, i) => obs('expired', `kiro-${i}.json`));
    expect(run([good(...few)])[0]?.effects).toHaveLength(5);
  });

  it('holds per-credential alerts while the proxy is down, and posts no burst when it returns', () => {
    const down: Poll = { ok: false, observations: detectProxy('down', 'connection refused') };
    const steps = run([
      good(obs('expired')),
      down,
      down,
      down,
      good(obs('expired'), obs('expiring', 'b.json')),
    ]);
    expect(steps.map(kinds)).toEqual([['fire'], [], ['fire'], [], ['resolve']]);
    expect(steps[2]?.effects[0]).toMatchObject({ condition: 'proxy-down' });
    // the expired alert stayed firing through the outage and was not re-posted
    expect(steps[4]?.alerts.find((a) => a.condition === 'expired')?.phase).toBe('firing');
  });

  it('one failed poll neither resolves alerts nor fires proxy-down', () => {
    const down: Poll = { ok: false, observations: detectProxy('down', 'HTTP 500') };
    const steps = run([good(obs('expired')), down, good(obs('expired'))]);
    expect(steps.map(kinds)).toEqual([['fire'], [], []]);
  });

  it('a proxy failing every other poll gets one proxy-down alert, which holds credential alerts until it settles', () => {
    const down: Poll = { ok: false, observations: detectProxy('down', 'HTTP 500') };
    const flapping = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? down : good(obs('expired'))));
    const steps = run([...flapping, good(obs('expired')), good(obs('expired')), good(obs('expired'))]);
    // proxy-down fires on its third failure, marked flapping, and resolves after two good polls in a row;
    // the expired credential fired on the first good poll and is neither resolved nor re-posted meanwhile
    expect(steps.map(kinds)).toEqual([[], ['fire'], [], [], ['fire'], [], [], [], ['resolve'], [], []]);
    expect(steps[4]?.effects[0]).toMatchObject({ condition: 'proxy-down' });
    expect(steps[4]?.alerts.find((a) => a.condition === 'proxy-down')?.flapping).toBe(true);
    expect(steps[8]?.effects[0]).toMatchObject({ kind: 'resolve' });
    const expired = steps.map((st) => st.alerts.find((a) => a.condition === 'expired'));
    expect(expired.slice(1).every((a) => a?.phase === 'firing' && a.firedAt === MIN)).toBe(true);
  });

  it('a proxy down for two polls in a row resolves on the first good poll', () => {
    const down: Poll = { ok: false, observations: detectProxy('down', 'HTTP 500') };
    expect(run([down, down, good(), good()]).map(kinds)).toEqual([[], ['fire'], ['resolve'], []]);
  });

  it('key-rejected fires at once and suppresses credential alerts', () => {
    const rejected: Poll = { ok: false, observations: detectProxy('key-rejected', '401') };
    const steps = run([rejected, rejected]);
    expect(steps.map(kinds)).toEqual([['fire'], []]);
  });

  it('a silenced alert fires and resolves quietly, and is not re-announced', () => {
    const silences: Silence[] = [{ id: 's1', credential: 'kiro-a.json', condition: null, until: 1000 * MIN }];
    const polls = [
      good(obs('expired')),
      ...Array.from({ length: 70 }, () => good(obs('expired'))),
      good(),
      good(),
    ];
    const effects = run(polls, silences).flatMap((s) => s.effects);
    expect(effects.map((e) => [e.kind, 'quiet' in e ? e.quiet : undefined])).toEqual([
      ['fire', true],
      ['resolve', true],
    ]);
  });

  it('re-announces a firing alert every repeat interval', () => {
    const polls = Array.from({ length: 121 }, () => good(obs('expired')));
    const repeats = run(polls).flatMap((s) => s.effects.filter((e) => e.kind === 'repeat'));
    expect(repeats).toHaveLength(2);
  });

  it('posts an update when a firing alert’s facts change', () => {
    const a = { ...obs('cooldown'), nextRetryAfter: '2026-01-01T10:00:00Z' };
    const b = { ...obs('cooldown'), nextRetryAfter: '2026-01-01T11:00:00Z' };
    expect(run([good(a), good(a), good(a), good(b)]).map(kinds)).toEqual([[], ['fire'], [], ['update']]);
  });
});

describe('detectCredential', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const cred = (over: Partial<WatchedCredential>): WatchedCredential => ({
    name: 'x.json',
    provider: 'codex',
    status: 'active',
    statusMessage: undefined,
    disabled: false,
    unavailable: false,
    nextRetryAfter: undefined,
    expiresAt: undefined,
    ...over,
  });
  const ids = (c: WatchedCredential, since?: number) =>
    detectCredential(c, now, { expiryWarnMs: 30 * MIN, staleCooldownMs: 360 * MIN }, since).map(
      (o) => o.condition,
    );

  it.each([
    ['healthy', cred({ expiresAt: '2026-06-01T14:00:00Z' }), []],
    ['expiring', cred({ expiresAt: '2026-06-01T12:10:00Z' }), ['expiring']],
    ['expired', cred({ expiresAt: '2026-06-01T11:00:00Z' }), ['expired']],
    [
      'refresh stopped',
      cred({ status: 'error', statusMessage: 'unauthorized', unavailable: true }),
      ['refresh-stopped'],
    ],
    ['invalid_grant', cred({ status: 'error', statusMessage: 'invalid_grant' }), ['refresh-stopped']],
    ['suspended', cred({ status: 'error', statusMessage: 'payment_required' }), ['suspended']],
    [
      'cooldown',
      cred({ statusMessage: 'quota exhausted', unavailable: true, nextRetryAfter: '2026-06-01T14:00:00Z' }),
      ['cooldown'],
    ],
    [
      'stale: past its retry time',
      cred({ statusMessage: 'quota exhausted', unavailable: true, nextRetryAfter: '2026-06-01T10:00:00Z' }),
      ['stale-cooldown'],
    ],
    [
      'unavailable for another reason',
      cred({ status: 'error', statusMessage: 'transient upstream error', unavailable: true }),
      [],
    ],
    ['disabled', cred({ disabled: true, expiresAt: '2026-06-01T11:00:00Z' }), []],
  ])('%s', (_name, c, expected) => {
    expect(ids(c)).toEqual(expected);
  });

  it('a cooldown the watch has seen for longer than the threshold is stale', () => {
    const c = cred({
      statusMessage: 'quota exhausted',
      unavailable: true,
      nextRetryAfter: '2026-06-02T10:00:00Z',
    });
    expect(ids(c, now - 5 * 60 * MIN)).toEqual(['cooldown']);
    expect(ids(c, now - 7 * 60 * MIN)).toEqual(['stale-cooldown']);
  });
});
