// User-group membership, resolved at click time and cached briefly (usergroups.users.list is Tier 2).
import type { Logger } from '../logger.js';

export type ResolveGroupMembers = (groupId: string) => Promise<string[]>;

export interface CachedResolverOptions {
  fetchMembers: ResolveGroupMembers;
  ttlMs: number;
  now: () => number;
  logger?: Logger;
}

/** Caches each group's members for ttlMs; a failed look-up gives no members (user IDs still work). */
export function createCachedGroupResolver(options: CachedResolverOptions): ResolveGroupMembers {
  const cache = new Map<string, { at: number; members: Promise<string[]> }>();
  return (groupId) => {
    const hit = cache.get(groupId);
    if (hit && options.now() - hit.at < options.ttlMs) return hit.members;
    const members = options.fetchMembers(groupId).catch((err: unknown) => {
      options.logger?.warn({ err, groupId }, 'could not resolve a user group; treating it as empty');
      cache.delete(groupId);
      return [] as string[];
    });
    cache.set(groupId, { at: options.now(), members });
    return members;
  };
}

/** The approver (or requester) groups among `groups` that `userId` belongs to. */
export async function groupsOf(
  resolve: ResolveGroupMembers,
  groups: readonly string[],
  userId: string,
): Promise<string[]> {
  const out: string[] = [];
  for (const g of groups) if ((await resolve(g)).includes(userId)) out.push(g);
  return out;
}
