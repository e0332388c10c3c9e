// "Request fix" on an /auth-why answer: the runbook row says which action; the bot works out the
// provider from the credentials that show a problem (or asks for it when that is ambiguous).
import { belongsTo } from '../domain/actions/target.js';
import { DEFAULT_STALE_COOLDOWN_MS } from '../domain/credential-state.js';
import { describeError, formatError } from '../errors.js';
import { md } from '../slack/mrkdwn.js';
import type { ActionName } from '../store/types.js';
import type { EngineContext } from './context.js';
import { scope, tell } from './context.js';
import { type CreateResult, createRequest } from './create-request.js';
import { requestCooldownReset } from './request-cooldown.js';

export interface FixInput {
  rowId: string;
  action: ActionName | undefined;
  userId: string;
  channel: string;
}

export async function requestFix(ctx: EngineContext, input: FixInput): Promise<CreateResult> {
  const s = scope(ctx, `fix-${ctx.newId()}`);
  const refuse = async (reason: string): Promise<CreateResult> => {
    await tell(s, input.channel, input.userId, reason);
    return { ok: false, reason };
  };
  const action = input.action;
  if (action === undefined) return refuse(`Runbook row \`${input.rowId}\` has no fix the bot can run.`);
  if (action === 'rollback') return refuse('Use `/auth-rollback` to pick a snapshot to roll back to.');
  if (action === 'reset-cooldown') {
    const stale = ctx.staleCooldownMs ?? DEFAULT_STALE_COOLDOWN_MS;
    return requestCooldownReset(ctx, { ...input, source: `runbook:${input.rowId}` }, stale);
  }
  let files: Awaited<ReturnType<typeof s.client.listAuthFiles>>;
  try {
    files = await s.client.listAuthFiles();
  } catch (err) {
    return refuse(md`Cannot read the proxy's credentials: ${formatError(describeError(err))}`);
  }
  const troubled = files.filter((f) =>
    action === 'reenable'
      ? f.disabled || f.statusMessage === 'unauthorized'
      : f.status !== 'active' || f.unavailable,
  );
  const providers = [...new Set((troubled.length ? troubled : files).map((f) => f.provider))].sort();
  if (providers.length !== 1) {
    const list = providers.length ? providers.map((p) => `\`${p}\``).join(', ') : 'none found';
    return refuse(
      `Which provider? Candidates: ${list}. Run \`/auth-refresh PROVIDER [CREDENTIAL]\` (runbook row \`${input.rowId}\`).`,
    );
  }
  const provider = providers[0]!;
  const one = troubled.filter((f) => belongsTo(f, provider));
  return createRequest(ctx, {
    userId: input.userId,
    channel: input.channel,
    action,
    provider,
    credential: action !== 'relogin' && one.length === 1 ? one[0]!.name : undefined,
    source: `runbook:${input.rowId}`,
  });
}
