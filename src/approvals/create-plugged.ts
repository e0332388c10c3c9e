// Opening a request for a plugged action (rollback): the engine has already checked requester, cooldown
// and one-change-per-target; the plugin reads the live target, then the request is stored and posted
// exactly like a built-in one.
import type { ActionPolicy } from '../domain/approvals/policy.js';
import { describeError, formatError } from '../errors.js';
import { md } from '../slack/mrkdwn.js';
import { renderRequest } from '../slack/views/request.js';
import type { ApprovalRequest } from '../store/types.js';
import { type EngineContext, type Scoped, tell } from './context.js';
import type { NewRequestInput } from './create-request.js';
import type { ActionPlugin, PreparedTarget } from './plugins.js';
import type { RequestParams } from './request-data.js';

type Opened = { ok: true; request: ApprovalRequest } | { ok: false; reason: string };

export async function openPluggedRequest(
  ctx: EngineContext,
  s: Scoped,
  plugin: ActionPlugin,
  input: NewRequestInput & { id: string; target: string; now: number },
  policy: ActionPolicy,
): Promise<Opened> {
  let prepared: PreparedTarget;
  try {
    prepared = await plugin.prepare(s.client, input.args ?? {});
  } catch (err) {
    return { ok: false, reason: md`${formatError(describeError(err))}` };
  }
  const params: RequestParams & Record<string, unknown> = {
    ...prepared.params,
    provider: input.provider,
    credential: null,
    method: null,
    credentials: [],
    states: [],
    serverVersion: s.client.serverVersion ?? null,
    plan: prepared.plan,
    parentId: input.parentId ?? null,
    source: input.source ?? null,
    subject: prepared.subject,
    sections: prepared.sections,
  };
  const request = await ctx.store.createRequest({
    id: input.id,
    action: input.action,
    target: input.target,
    params,
    requester: input.userId,
    channel: input.channel,
    state: 'pending',
    approvalsRequired: policy.approvals,
    fingerprint: prepared.fingerprint,
    createdAt: input.now,
    expiresAt: input.now + policy.ttlMs,
  });
  await s.audit('request.created', input.userId, {
    action: input.action,
    target: input.target,
    ...prepared.params,
    approvalsRequired: request.approvalsRequired,
    expiresAt: request.expiresAt,
    fingerprint: request.fingerprint,
  });
  const ts = await s.messenger.postRequest(input.channel, renderRequest(request, []));
  if (ts === null) {
    await tell(
      s,
      input.channel,
      input.userId,
      `:warning: Request \`${input.id}\` was recorded but Slack refused the message; it will expire unanswered.`,
    );
    return { ok: true, request };
  }
  await ctx.store.setMessageTs(input.id, ts);
  return { ok: true, request: { ...request, messageTs: ts } };
}
