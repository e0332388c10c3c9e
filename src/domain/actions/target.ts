// Reads the credentials an action targets, reduced to non-secret state (for display, fingerprint, verify).
import type { AuthFile, ManagementClient } from '../../cliproxy/types.js';
import { AppError } from '../../errors.js';
import type { CredentialState } from '../approvals/fingerprint.js';
import type { TargetScope } from './types.js';

export function belongsTo(file: AuthFile, provider: string): boolean {
  return file.provider === provider || file.type === provider;
}

/** The provider's files; with a credential, only that file, and only when it belongs to the provider. */
export function selectFiles(files: readonly AuthFile[], scope: TargetScope): AuthFile[] {
  const own = files.filter((f) => belongsTo(f, scope.provider));
  if (scope.credential !== undefined) return own.filter((f) => f.name === scope.credential);
  return own;
}

/** A credential named in the scope that exists but belongs to another provider: that provider, else undefined. */
export function foreignProviderOf(files: readonly AuthFile[], scope: TargetScope): string | undefined {
  if (scope.credential === undefined) return undefined;
  const file = files.find((f) => f.name === scope.credential && !belongsTo(f, scope.provider));
  return file ? file.provider || file.type : undefined;
}

/** The target's current state. Throws AppError('not_found') when nothing matches the scope. */
export async function readTargetState(
  client: ManagementClient,
  scope: TargetScope,
): Promise<CredentialState[]> {
  const all = await client.listAuthFiles();
  const files = selectFiles(all, scope);
  const foreign = foreignProviderOf(all, scope);
  if (files.length === 0 && foreign !== undefined) {
    throw new AppError(
      'bad_usage',
      `Credential ${scope.credential} belongs to provider ${foreign}, not ${scope.provider}.`,
      { hint: `To refresh it, run /auth-refresh ${foreign} ${scope.credential}.` },
    );
  }
  if (files.length === 0) {
    const what =
      scope.credential !== undefined
        ? `credential ${scope.credential}`
        : `credentials for provider ${scope.provider}`;
    throw new AppError('not_found', `The proxy has no ${what}.`, {
      hint: 'Check the name with /auth-status.',
    });
  }
  const states: CredentialState[] = [];
  for (const file of files) {
    let expiresAt: string | undefined;
    let lastRefresh = file.lastRefresh;
    if (!file.runtimeOnly) {
      try {
        const token = await client.readToken(file.name);
        expiresAt = token.expiresAt;
        lastRefresh = newest(token.lastRefresh, file.lastRefresh);
      } catch (err) {
        if (!(err instanceof AppError) || !['not_found', 'bad_request'].includes(err.code)) throw err;
      }
    }
    states.push({
      name: file.name,
      provider: file.provider,
      status: file.status,
      statusMessage: file.statusMessage,
      disabled: file.disabled,
      expiresAt,
      lastRefresh,
    });
  }
  return states.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function newest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** Credentials whose auto-refresh has stopped or that are switched off: candidates for re-enable. */
export function needsReenable(state: CredentialState): boolean {
  return state.disabled || state.statusMessage === 'unauthorized' || state.status === 'disabled';
}
