// Who and where in local mode: the one channel, the three people you can be, the bot's identity and a
// user group. Slack IDs in Slack's shapes, so the bot treats them like any other workspace.

export const LOCAL_TEAM = { id: 'T0LOCAL', domain: 'local' } as const;
export const LOCAL_CHANNEL = { id: 'C0LOCAL', name: 'incident-local' } as const;
export const LOCAL_BOT = { userId: 'U0LOCALBOT', botId: 'B0LOCALBOT', appId: 'A0LOCALBOT', name: 'auth-bot' };

export interface LocalUser {
  id: string;
  name: string;
  realName: string;
}

export const LOCAL_USERS: readonly LocalUser[] = [
  { id: 'U0LOCALYOU', name: 'you', realName: 'You' },
  { id: 'U0LOCALALICE', name: 'alice', realName: 'Alice (approver)' },
  { id: 'U0LOCALBOB', name: 'bob', realName: 'Bob (approver)' },
];

/** A user group with both demo approvers, for policy files that name approvers by group. */
export const LOCAL_USERGROUPS: Readonly<Record<string, readonly string[]>> = {
  S0LOCALONCALL: ['U0LOCALALICE', 'U0LOCALBOB'],
};

export function findUser(id: unknown): LocalUser | undefined {
  return LOCAL_USERS.find((u) => u.id === id);
}

/** users.info's `user` object for a local user. */
export function slackUserObject(user: LocalUser): Record<string, unknown> {
  return {
    id: user.id,
    team_id: LOCAL_TEAM.id,
    name: user.name,
    real_name: user.realName,
    deleted: false,
    is_bot: false,
    is_admin: false,
    is_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    profile: { real_name: user.realName, display_name: user.name },
  };
}
