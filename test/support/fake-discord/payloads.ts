/** Discord API v10 JSON shapes, built from the fake's state the way Discord sends them. */
import type { Json } from "./limits.js";
import type { FakeChannel, FakeUser, RecordedMessage } from "./state.js";

/** Every permission bit a member of the test guild has (admin-like, as a string like Discord). */
export const ALL_PERMISSIONS = "2251799813685247";

export function userPayload(user: FakeUser): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.globalName ?? (user.bot ? null : user.username),
    avatar: null,
    bot: user.bot ?? false,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function memberPayload(user: FakeUser, joinedAt: number, roles: string[] = []): Json {
  return {
    user: userPayload(user),
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: new Date(joinedAt).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };
}

export function channelPayload(channel: FakeChannel, guildId: string): Json {
  const base: Json = {
    id: channel.id,
    type: channel.type,
    guild_id: guildId,
    name: channel.name,
    flags: 0,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
  };
  if (channel.type === 11 || channel.type === 12) {
    return {
      ...base,
      parent_id: channel.parentId,
      owner_id: channel.ownerId,
      message_count: channel.messageCount,
      member_count: 1,
      total_message_sent: channel.messageCount,
      thread_metadata: {
        archived: channel.archived,
        auto_archive_duration: 1440,
        archive_timestamp: new Date(channel.createdAt).toISOString(),
        locked: channel.locked,
        create_timestamp: new Date(channel.createdAt).toISOString(),
      },
    };
  }
  return {
    ...base,
    position: 0,
    permission_overwrites: [],
    parent_id: channel.parentId,
    topic: null,
    nsfw: false,
    default_auto_archive_duration: 1440,
  };
}

function attachmentPayload(a: RecordedMessage["attachments"][number]): Json {
  return {
    id: a.id,
    filename: a.filename,
    size: a.size,
    url: a.url,
    proxy_url: a.url,
    content_type: a.contentType,
    ...(a.description ? { description: a.description } : {}),
  };
}

export function messagePayload(
  message: RecordedMessage,
  ctx: { applicationId: string; users: Map<string, FakeUser>; interaction?: Json },
): Json {
  const mentions = message.mentions
    .map((id) => ctx.users.get(id))
    .filter((u): u is FakeUser => u !== undefined)
    .map(userPayload);
  const payload: Json = {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: userPayload(message.author),
    content: message.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.editedAt === null ? null : new Date(message.editedAt).toISOString(),
    tts: false,
    mention_everyone: message.pinged.everyone,
    mentions,
    mention_roles: message.pinged.roles,
    attachments: message.attachments.map(attachmentPayload),
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    flags: message.flags,
  };
  if (message.interactionId !== undefined) {
    payload.webhook_id = ctx.applicationId;
    payload.application_id = ctx.applicationId;
    if (ctx.interaction) payload.interaction_metadata = ctx.interaction;
  }
  if (message.messageReference) payload.message_reference = message.messageReference;
  return payload;
}

export function guildCreatePayload(ctx: {
  guildId: string;
  ownerId: string;
  bot: FakeUser;
  joinedAt: number;
  channels: FakeChannel[];
  members: Json[];
}): Json {
  const channels = ctx.channels.filter((c) => c.type !== 11 && c.type !== 12);
  const threads = ctx.channels.filter((c) => (c.type === 11 || c.type === 12) && !c.archived);
  return {
    id: ctx.guildId,
    name: "michi test guild",
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ctx.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    roles: [
      {
        id: ctx.guildId,
        name: "@everyone",
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: "1071698660929",
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "ja",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date(ctx.joinedAt).toISOString(),
    large: false,
    unavailable: false,
    member_count: ctx.members.length,
    voice_states: [],
    members: ctx.members,
    channels: channels.map((c) => channelPayload(c, ctx.guildId)),
    threads: threads.map((c) => channelPayload(c, ctx.guildId)),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    lazy: true,
  };
}
