// Rows whose confirmation needs more than the management API can show: say so instead of pretending.
import type { CheckFn } from './types.js';

export const checkKiroAccountSelection: CheckFn = async () => ({
  confirmed: null,
  summary:
    "Cannot be checked automatically: whether the login honoured the account choice needs the proxy's process flags (incognito) and its login log, which the management API does not expose.",
  findings: [
    'Confirm by hand: compare the account used in the browser with the email of the new kiro-*.json file.',
  ],
});
