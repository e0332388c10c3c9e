// Opening a reset-cooldown request from a click ("Request fix" on the model-cooldown row, on a credential
// in /auth-status, or a pick from the list). The click first probes the build (POST /reset-quota with {}:
// 400 means the route exists, a bare 404 that it does not) and opens nothing on a build without it.
// With one credential in cooldown the request is for it; with several the user picks.
import type { AuthFile } from '../cliproxy/types.js';
import { checkRequester, groupsToResolve } from '../domain/approvals/authorize.js';
import { isCoolingDown } from '../domain/credential-state.js';
import { describeError, formatError } from '../errors.js';
import { md, unescapeMrkdwn } from '../slack/mrkdwn.js';
import { code, cooldownPicker, noCooldownResetText } from '../slack/views/cooldown.js';
import { type EngineContext, scope, tell } from './context.js';
import { type CreateResult, createRequest } from './create-request.js';
import { groupsOf } from './group-resolver.js';

export interface CooldownResetInput {
  userId: string;
  channel: string;
  /** The credential picked (a button's or a select's value: untrusted); undefined: find the ones cooling down. */
  credential?: string | undefined;
  /** Where the click came from, kept with the request (e.g. "runbook:model-cooldown"). */
  source: string;
}

export async function requestCooldownReset(
  ctx: EngineContext,
  input: CooldownResetInput,
  staleCooldownMs: number,
): Promise<CreateResult> {
  const s = scope(ctx, `cooldown-${ctx.newId()}`);
  const refuse = async (reason: string): Promise<CreateResult> => {
    // `reason` is mrkdwn for Slack; the audit trail keeps its plain text (escaped again on rendering)
    await s.audit('request.refused', input.userId, {
      action: 'reset-cooldown',
      reason: unescapeMrkdwn(reason),
    });
    await tell(s, input.channel, input.userId, reason);
    return { ok: false, reason };
  };
  // who may ask, and where, before anything is read from the proxy or offered
  const memberOf = await groupsOf(
    ctx.resolveGroupMembers,
    groupsToResolve(ctx.policy, 'requester'),
    input.userId,
  );
  const allowed = checkRequester(ctx.policy, input.channel, input.userId, memberOf);
  if (!allowed.ok) return refuse(`:no_entry: ${allowed.reason}`);
  let files: AuthFile[];
  try {
    if (!(await s.client.hasResetQuota())) return refuse(noCooldownResetText(s.client.serverVersion));
    files = await s.client.listAuthFiles();
  } catch (err) {
    return refuse(md`:x: Cannot ask the proxy about cooldowns: ${formatError(describeError(err))}`);
  }
  const open = (file: AuthFile) =>
    createRequest(ctx, {
      userId: input.userId,
      channel: input.channel,
      action: 'reset-cooldown',
      provider: file.provider,
      credential: file.name,
      args: { credential: file.name },
      source: input.source,
    });
  if (input.credential !== undefined) {
    const file = files.find((f) => f.name === input.credential);
    if (!file) return refuse(`:no_entry: The proxy has no credential ${code(input.credential, 120)}.`);
    return open(file);
  }
  const now = ctx.now();
  const cooling = files.filter((f) => isCoolingDown(f, now));
  if (cooling.length === 0) {
    return refuse(
      ':white_check_mark: No credential is cooling down right now (none is unavailable for its quota or has a next_retry_after ahead); nothing to reset.',
    );
  }
  if (cooling.length === 1) return open(cooling[0] as AuthFile);
  const picker = cooldownPicker(cooling, { now, staleCooldownMs });
  await s.messenger.ephemeral(input.channel, input.userId, picker);
  return { ok: false, reason: `${cooling.length} credentials are cooling down: the user picks one` };
}
