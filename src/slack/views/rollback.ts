// Texts of a rollback request: the sections of its request message (changed blocks and masked diff)
// and its final thread reply (checks and the one command that re-applies the pre-rollback config).

import type { RollbackParams } from '../../domain/actions/rollback.js';
import type { Check } from '../../domain/actions/types.js';
import { formatWhen } from '../../domain/approvals/vote.js';
import { escapeMrkdwn, LIMITS, truncate } from './limits.js';
import { describeChecks } from './request.js';

const MAX_DIFF_CHARS = 2400;

/** The diff as a code block, cut at a line boundary to stay within one section. */
export function diffBlockText(lines: readonly string[]): string {
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > MAX_DIFF_CHARS) {
      kept.push(`… ${lines.length - kept.length} more line(s)`);
      break;
    }
    kept.push(line);
    size += line.length + 1;
  }
  return `\`\`\`\n${escapeMrkdwn(kept.join('\n'))}\n\`\`\``;
}

export function rollbackSections(p: RollbackParams): string[] {
  const blocks = p.changedBlocks.length
    ? p.changedBlocks.map((b) => `\`${escapeMrkdwn(b)}\``).join(', ')
    : 'none';
  const head = [
    `*Snapshot* \`${p.snapshotId}\` taken ${formatWhen(p.snapshotTakenAt)}, hash \`${p.snapshotHash.slice(0, 12)}\``,
    `*Config blocks it changes:* ${blocks}`,
  ];
  if (p.otherChangedBlocks.length)
    head.push(
      `*Other keys it changes (values not shown):* ${p.otherChangedBlocks.map((b) => `\`${escapeMrkdwn(b)}\``).join(', ')}`,
    );
  head.push(
    '`remote-management` is kept from the live config. Secret values are shown as `hmac:` fingerprints (keyed per installation).',
  );
  const sections = [head.join('\n')];
  if (p.diff.length)
    sections.push(truncate(`*Diff (live → snapshot)*\n${diffBlockText(p.diff)}`, LIMITS.sectionText));
  return sections;
}

export function rollbackPlanText(snapshotId: string): string {
  return `take a pre-rollback snapshot, PUT snapshot ${snapshotId} through PUT /v0/management/config.yaml keeping the live remote-management block, then verify the auth/provider blocks match the snapshot, the management API answers and the canary passes.`;
}

export function reapplyHint(preRollbackId: string): string {
  return `To re-apply the config as it was before this rollback: \`/auth-rollback ${preRollbackId}\``;
}

export function rollbackResultText(
  ok: boolean,
  checks: readonly Check[],
  runbook: string | undefined,
  preRollbackId: string,
): string {
  const head = ok
    ? ':large_green_circle: *Verified*'
    : `:red_circle: *Verification failed*${runbook ? ` (runbook: \`${runbook}\`)` : ''}`;
  return `${head}\n${describeChecks(checks)}\n${reapplyHint(preRollbackId)}`;
}
