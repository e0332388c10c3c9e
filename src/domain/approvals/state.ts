// The request state machine: which moves are allowed and how each state reads to a person.
import type { RequestState } from '../../store/types.js';
import { TERMINAL_STATES } from '../../store/types.js';

export const NEXT_STATES: Record<RequestState, readonly RequestState[]> = {
  pending: ['approved', 'denied', 'expired', 'stale'],
  approved: ['running', 'failed', 'interrupted'],
  running: ['verified', 'failed', 'interrupted'],
  denied: [],
  expired: [],
  stale: [],
  verified: [],
  failed: [],
  interrupted: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return NEXT_STATES[from].includes(to);
}

export function isTerminal(state: RequestState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** States a request can move *from* to reach `to` (the `from` list of an atomic store transition). */
export function sourcesOf(to: RequestState): RequestState[] {
  return (Object.keys(NEXT_STATES) as RequestState[]).filter((s) => NEXT_STATES[s].includes(to));
}

export const STATE_LABELS: Record<RequestState, string> = {
  pending: 'Pending approval',
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired',
  stale: 'Stale',
  running: 'Running',
  verified: 'Verified',
  failed: 'Verification failed',
  interrupted: 'Interrupted',
};

export const STATE_EMOJI: Record<RequestState, string> = {
  pending: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  denied: ':no_entry_sign:',
  expired: ':alarm_clock:',
  stale: ':warning:',
  running: ':gear:',
  verified: ':large_green_circle:',
  failed: ':red_circle:',
  interrupted: ':double_vertical_bar:',
};
