/**
 * Every message michi sends goes through here, so each one carries `allowedMentions` that parse
 * nothing: note text and questions may hold `@everyone`, role or user mentions, and none of them
 * may ping anyone. (The client has the same default; setting it on every payload as well keeps
 * edits and webhook follow-ups safe whatever the library does with defaults.)
 */
import type {
  BaseMessageOptions,
  InteractionEditReplyOptions,
  InteractionReplyOptions,
  MessageMentionOptions,
} from "discord.js";
import { MessageFlags } from "discord.js";
import type { OutgoingMessage } from "./embeds.js";

export const SAFE_MENTIONS: MessageMentionOptions = Object.freeze({
  parse: [],
  repliedUser: false,
});

/** The payload of a channel message, thread message, reply edit or follow-up. */
export function toPayload(message: OutgoingMessage): BaseMessageOptions & {
  allowedMentions: MessageMentionOptions;
} {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    embeds: [...(message.embeds ?? [])],
    components: [...(message.components ?? [])],
    ...(message.files
      ? { files: message.files.map((f) => ({ attachment: f.data, name: f.name })) }
      : {}),
    allowedMentions: SAFE_MENTIONS,
  };
}

/** An interaction reply (or follow-up), ephemeral when asked. */
export function toReply(message: OutgoingMessage, ephemeral = false): InteractionReplyOptions {
  return {
    ...toPayload(message),
    ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

/** An edit of the original reply. */
export function toEdit(message: OutgoingMessage): InteractionEditReplyOptions {
  return toPayload(message);
}
