// What a person reads about a cooldown reset: the request's plan and section, the thread replies, the
// picker when several credentials cool down, and the answer on a build without the route. Pure.
import type { AuthFile } from '../../cliproxy/types.js';
import type { CooldownParams } from '../../domain/actions/reset-cooldown.js';
import type { Check } from '../../domain/actions/types.js';
import { describeState, type StateOptions } from '../../domain/credential-state.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';
import { describeChecks } from './request.js';

/** Button on a cooling-down credential in /auth-status; its value is the credential's name. */
export const RESET_COOLDOWN_PREFIX = 'reset_cooldown:';
/** The static_select offered when several credentials cool down; option values are credential names. */
export const RESET_COOLDOWN_PICK = 'reset_cooldown_pick';

/** Slack caps: a static_select holds 100 options; an option value 150 characters, its text 75. */
const MAX_OPTIONS = 100;
const OPTION_VALUE_MAX = 150;
const OPTION_TEXT_MAX = 75;
const MAX_MODELS_SHOWN = 20;

/** Untrusted text as inline code: escaped, no backticks or line breaks, cut. */
export const code = (text: string, max = 200) =>
  `\`${escapeMrkdwn(truncate(text.replace(/[`\s]+/g, ' '), max))}\``;

export function cooldownPlanText(p: CooldownParams): string {
  return `clear the cooldown of ${p.credentialName} with POST /v0/management/reset-quota {"auth_index": "${p.authIndex}"}, then check that it is no longer unavailable and has no next_retry_after ahead, and run a canary.`;
}

export function cooldownSections(p: CooldownParams, provider: string): string[] {
  const since = `\n*Cooling down since:* ${p.cooldown.since ?? 'unknown (the proxy does not say)'}`;
  const until = p.cooldown.until ? `\n*Proxy's retry time (next_retry_after):* ${p.cooldown.until}` : '';
  return [
    `*Credential* ${code(p.credentialName)} (${escapeMrkdwn(truncate(provider, 60))}), auth_index ${code(p.authIndex, 130)}\n*Cooldown:* ${escapeMrkdwn(truncate(p.cooldown.text, 600))}${since}${until}`,
  ];
}

/** "3 model(s) cleared: m1, m2, m3" (the first 20 named). */
export function modelsText(models: readonly string[]): string {
  if (models.length === 0) return 'the proxy named no model';
  const shown = models.slice(0, MAX_MODELS_SHOWN).map((m) => code(m, 100));
  const more = models.length > shown.length ? ` and ${models.length - shown.length} more` : '';
  return `${models.length} model(s) cleared: ${shown.join(', ')}${more}`;
}

export function cooldownResultText(
  ok: boolean,
  checks: readonly Check[],
  runbook: string | undefined,
): string {
  const head = ok
    ? ':large_green_circle: *Verified*'
    : `:red_circle: *Verification failed*${runbook ? ` (runbook: \`${runbook}\`)` : ''}`;
  return `${head}\n${describeChecks(checks)}`;
}

export function noCooldownResetText(version: string | undefined): string {
  return `:no_entry: This build (${escapeMrkdwn(truncate(version ?? 'unknown', 80))}) has no cooldown reset: POST /v0/management/reset-quota answers 404 (upstream v7.2.22 and later have it). Nothing was opened. Wait for next_retry_after, or restart the proxy (runbook: \`model-cooldown\`).`;
}

/** The ephemeral picker: one option per cooling-down credential (the first 100). */
export function cooldownPicker(
  files: readonly AuthFile[],
  options: StateOptions,
): { text: string; blocks: Record<string, unknown>[] } {
  const pickable = files.filter((f) => f.name.length <= OPTION_VALUE_MAX).slice(0, MAX_OPTIONS);
  const left = files.length - pickable.length;
  const text = `${files.length} credentials are cooling down. Pick the one whose cooldown to reset; an approver still has to approve it.`;
  const blocks: Record<string, unknown>[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: escapeMrkdwn(text) },
      accessory: {
        type: 'static_select',
        action_id: RESET_COOLDOWN_PICK,
        placeholder: { type: 'plain_text', text: 'Credential in cooldown' },
        options: pickable.map((f) => ({
          text: {
            type: 'plain_text',
            text: truncate(`${f.name} (${f.provider}): ${describeState(f, options)}`, OPTION_TEXT_MAX),
          },
          value: f.name,
        })),
      },
    },
  ];
  if (left > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${left} more not listed: use the Request fix button next to a credential in /auth-status.`,
        },
      ],
    });
  }
  return { text: truncate(text, LIMITS.fallbackText), blocks };
}
