// A failed legacy Kiro refresh, explained per file: the server answers one line for all files
// ("All refresh attempts failed: [kiro-a.json: refresh failed - ... kiro-b.json: ...]"). Each Kiro file
// becomes a failed check with the row that fits it: `kiro-idc-refresh` for an IDC file without the
// client_id / client_secret / region an IDC refresh needs (the server then falls back to another token
// endpoint), the server's own (network) error for the rest. Token values never appear: only summaries.
import type { ManagementClient, TokenSummary } from '../../cliproxy/types.js';
import { belongsTo } from './target.js';
import type { Check, ExecuteOutcome } from './types.js';

/** What each file name is followed by in the server's error text, up to the next file name. */
export function splitByFile(text: string, names: readonly string[]): Map<string, string> {
  const found = names
    .map((name) => ({ name, at: text.indexOf(`${name}: `) }))
    .filter((f) => f.at >= 0)
    .sort((a, b) => a.at - b.at);
  const out = new Map<string, string>();
  found.forEach((f, i) => {
    const end = i + 1 < found.length ? (found[i + 1] as { at: number }).at : text.length;
    const words = text
      .slice(f.at + f.name.length + 2, end)
      .trim()
      .replace(/\]$/, '');
    out.set(f.name, words.slice(0, 400));
  });
  return out;
}

/** The IDC fields a token file lacks (empty when it is not an IDC file or has them all). */
export function missingIdcFields(t: TokenSummary): string[] {
  if (t.authMethod !== 'idc') return [];
  return [
    t.hasClientId ? '' : 'client_id',
    t.hasClientSecret ? '' : 'client_secret',
    t.region ? '' : 'region',
  ].filter(Boolean);
}

export async function explainLegacyFailure(
  client: ManagementClient,
  serverError: string,
): Promise<ExecuteOutcome> {
  const files = (await client.listAuthFiles()).filter((f) => belongsTo(f, 'kiro'));
  const byFile = splitByFile(
    serverError,
    files.map((f) => f.name),
  );
  const checks: Check[] = [];
  for (const file of files) {
    const said = byFile.get(file.name);
    const token = file.runtimeOnly ? undefined : await client.readToken(file.name).catch(() => undefined);
    const missing = token ? missingIdcFields(token) : [];
    if (missing.length > 0) {
      checks.push({
        name: `refresh ${file.name}`,
        ok: false,
        detail: `IDC file without ${missing.join(', ')}: the server cannot refresh it at the IDC endpoint${said ? ` (${said})` : ''}`,
        runbook: 'kiro-idc-refresh',
      });
    } else if (said !== undefined) {
      checks.push({ name: `refresh ${file.name}`, ok: false, detail: said });
    }
  }
  if (checks.length === 0) {
    checks.push({ name: 'legacy Kiro refresh', ok: false, detail: serverError.slice(0, 400) || 'failed' });
  }
  const runbook = checks.find((c) => c.runbook)?.runbook;
  return {
    kind: 'failed',
    summary: `The legacy Kiro refresh refreshed nothing: ${serverError.slice(0, 300)}`,
    runbook,
    checks,
  };
}
