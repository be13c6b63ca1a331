/**
 * The link that adds michi to a server: scopes `bot` and `applications.commands`, and only the
 * permissions it uses (read and send messages, embeds, the chart attachment, threads for chat).
 */
import { PermissionFlagsBits } from "discord.js";

export const BOT_PERMISSIONS = {
  ViewChannel: PermissionFlagsBits.ViewChannel,
  SendMessages: PermissionFlagsBits.SendMessages,
  SendMessagesInThreads: PermissionFlagsBits.SendMessagesInThreads,
  CreatePublicThreads: PermissionFlagsBits.CreatePublicThreads,
  EmbedLinks: PermissionFlagsBits.EmbedLinks,
  AttachFiles: PermissionFlagsBits.AttachFiles,
  ReadMessageHistory: PermissionFlagsBits.ReadMessageHistory,
} as const;

function botPermissions(): bigint {
  return Object.values(BOT_PERMISSIONS).reduce((sum, bit) => sum | bit, 0n);
}

export function inviteUrl(clientId: string): string {
  const params = new URLSearchParams({
    client_id: clientId,
    scope: "bot applications.commands",
    permissions: botPermissions().toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
