// Who and where in local mode: the one channel, the three people you can be, the bot's identity and a
// user group. Slack IDs in Slack's shapes, so the bot treats them like any other workspace.

export const LOCAL_TEAM = { id: 'T0LOCAL', domain: 'local' } as const;
export const LOCAL_CHANNEL = { id: 'C0LOCAL', name: 'incident-local' } as const;

/**
 * The page's one channel and the channel IDs of the configuration it stands for. A team rehearsing with
 * its real settings names real channels (AUTHBOT_WATCH_CHANNEL, the policy's `channels`); the page has
 * one channel, so every channel the configuration names lands in it. Any other ID stays unknown
 * (`channel_not_found`), as in a workspace where the bot is not in that channel.
 */
export interface LocalChannelInfo {
  /** The ID commands typed on the page come from. */
  id: string;
  name: string;
  /** Every ID the stand-in accepts as this channel (includes `id`). */
  ids: readonly string[];
  /** The configuration's channel IDs this channel stands for; empty when it names none. */
  standsFor: readonly string[];
}

/**
 * Picks the page channel's ID from the configuration. Commands typed on the page must pass the policy's
 * `channels` guard, so with a restricted policy the ID is one of its channels (the watch channel when it
 * is among them, else the first). With an open policy it is the watch channel; with neither, C0LOCAL.
 * Messages the bot posts to another configured ID keep that ID, so a click on them is checked against
 * the policy as Slack would check it.
 */
export function localChannelFor(config: {
  watchChannel: string | undefined;
  policyChannels: readonly string[];
}): LocalChannelInfo {
  const { watchChannel, policyChannels } = config;
  const standsFor = [...new Set([...(watchChannel ? [watchChannel] : []), ...policyChannels])];
  const id =
    policyChannels.length > 0
      ? watchChannel && policyChannels.includes(watchChannel)
        ? watchChannel
        : (policyChannels[0] as string)
      : (watchChannel ?? LOCAL_CHANNEL.id);
  return { id, name: LOCAL_CHANNEL.name, ids: standsFor.length > 0 ? standsFor : [id], standsFor };
}

/** The page channel when the configuration names no channel. */
export const DEFAULT_LOCAL_CHANNEL: LocalChannelInfo = localChannelFor({
  watchChannel: undefined,
  policyChannels: [],
});
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
