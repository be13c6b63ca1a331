/**
 * The gateway half of the fake: HELLO, IDENTIFY → READY + GUILD_CREATE, HEARTBEAT → ACK,
 * RESUME → replay of missed dispatches + RESUMED, sequence numbers, intents and Discord's close
 * codes for protocol mistakes. JSON encoding, no compression (discord.js only asks for zlib-stream
 * when the optional zlib-sync package is installed; a request for it is a recorded violation).
 */

import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { Json } from "./limits.js";
import { isObject } from "./limits.js";
import { userPayload } from "./payloads.js";
import type { Changes, FakeUser } from "./state.js";

export const INTENTS = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

/** Every intent bit Discord currently defines (bits 0-21 and 24-25). */
const KNOWN_INTENTS = 0b11_0011_1111_1111_1111_1111_1111;
const PRIVILEGED = INTENTS.GuildMembers | INTENTS.GuildPresences | INTENTS.MessageContent;

interface Session {
  readonly id: string;
  readonly intents: number;
  seq: number;
  readonly events: Array<{ s: number; t: string; d: unknown }>;
  socket: WebSocket | null;
}

export interface GatewayStats {
  identifies: number;
  resumes: number;
  intents: number[];
  connections: number;
}

export interface GatewayOptions {
  readonly heartbeatIntervalMs: number;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly guildId: string;
  /** Privileged intents the application is allowed (default: all three). */
  readonly privilegedIntents: number;
  readonly token: string | undefined;
  readonly guildCreate: () => Json;
  readonly violation: (message: string) => void;
  readonly changes: Changes;
  readonly port: () => number;
}

export interface Gateway {
  readonly stats: GatewayStats;
  /** Union of the intents of all sessions (0 when none). */
  intents(): number;
  hasSession(): boolean;
  /** Ready count: READY (and GUILD_CREATE) sent to an identified client. */
  readyCount(): number;
  /**
   * Sends a dispatch to every session (buffered for replay while one is disconnected), like Discord
   * does when two processes run the same bot. `d` may depend on the session's intents. Returns
   * false when no session has `requiredIntent`: Discord simply would not send it.
   */
  dispatch(
    t: string,
    d: unknown | ((intents: number) => unknown),
    requiredIntent?: number,
  ): boolean;
  dropConnection(code?: number): void;
  invalidateSession(): void;
  requestReconnect(): void;
  close(): Promise<void>;
}

function send(socket: WebSocket, payload: Json): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
}

export function createGateway(server: Server, options: GatewayOptions): Gateway {
  const wss = new WebSocketServer({ noServer: true });
  const stats: GatewayStats = { identifies: 0, resumes: 0, intents: [], connections: 0 };
  const sessions = new Map<string, Session>();
  let readies = 0;
  const sockets = new Set<WebSocket>();

  const gatewayUrl = (path: string) => `ws://127.0.0.1:${options.port()}${path}`;

  function dispatchTo(s: Session, t: string, d: unknown): void {
    s.seq += 1;
    const event = { s: s.seq, t, d };
    s.events.push(event);
    if (s.socket) send(s.socket, { op: 0, ...event });
  }

  function identify(socket: WebSocket, d: Json): void {
    if (options.token !== undefined && d.token !== options.token) {
      socket.close(4004, "Authentication failed.");
      return;
    }
    if (typeof d.token !== "string" || d.token.length === 0) {
      options.violation("gateway IDENTIFY without a token");
      socket.close(4004, "Authentication failed.");
      return;
    }
    const intents = d.intents;
    if (
      typeof intents !== "number" ||
      !Number.isInteger(intents) ||
      (intents & ~KNOWN_INTENTS) !== 0
    ) {
      options.violation(`gateway IDENTIFY with invalid intents ${String(intents)}`);
      socket.close(4013, "Invalid intent(s).");
      return;
    }
    if ((intents & PRIVILEGED & ~options.privilegedIntents) !== 0) {
      options.violation(`gateway IDENTIFY asks for privileged intents the app lacks (${intents})`);
      socket.close(4014, "Disallowed intent(s).");
      return;
    }
    const shard = d.shard;
    if (shard !== undefined && (!Array.isArray(shard) || shard[0] !== 0 || shard[1] !== 1)) {
      options.violation(
        `gateway IDENTIFY with shard ${JSON.stringify(shard)}; /gateway/bot said 1 shard`,
      );
      socket.close(4010, "Invalid shard.");
      return;
    }
    stats.identifies += 1;
    stats.intents.push(intents);
    const fresh: Session = {
      id: randomBytes(16).toString("hex"),
      intents,
      seq: 0,
      events: [],
      socket,
    };
    sessions.set(fresh.id, fresh);
    dispatchTo(fresh, "READY", {
      v: 10,
      user: { ...userPayload(options.botUser), verified: true, mfa_enabled: false },
      guilds: [{ id: options.guildId, unavailable: true }],
      session_id: fresh.id,
      session_type: "normal",
      resume_gateway_url: gatewayUrl("/gateway-resume"),
      shard: [0, 1],
      application: { id: options.applicationId, flags: 1 << 19 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      auth: {},
      _trace: ['["michi-fake-gateway",{"micros":0}]'],
    });
    // Without the Guilds intent Discord sends no GUILD_CREATE and discord.js waits out its timeout.
    if ((intents & INTENTS.Guilds) !== 0) dispatchTo(fresh, "GUILD_CREATE", options.guildCreate());
    readies += 1;
    options.changes.notify();
  }

  function resume(socket: WebSocket, d: Json): void {
    const s = typeof d.session_id === "string" ? sessions.get(d.session_id) : undefined;
    if (!s || (options.token !== undefined && d.token !== options.token)) {
      send(socket, { op: 9, d: false, s: null, t: null });
      return;
    }
    const seq = d.seq;
    if (typeof seq !== "number" || seq > s.seq) {
      options.violation(`gateway RESUME with seq ${String(seq)} beyond the last sent (${s.seq})`);
      socket.close(4007, "Invalid seq.");
      return;
    }
    if (s.socket && s.socket !== socket) s.socket.close(4000, "Resumed elsewhere");
    s.socket = socket;
    for (const event of s.events) if (event.s > seq) send(socket, { op: 0, ...event });
    stats.resumes += 1;
    dispatchTo(s, "RESUMED", { _trace: ['["michi-fake-gateway",{"micros":0}]'] });
    options.changes.notify();
  }

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    stats.connections += 1;
    sockets.add(socket);
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.searchParams.get("v") !== "10") {
      options.violation(`gateway connection with v=${url.searchParams.get("v")} (expected 10)`);
    }
    if (url.searchParams.get("encoding") !== "json") {
      options.violation(`gateway connection with encoding=${url.searchParams.get("encoding")}`);
    }
    if (url.searchParams.has("compress")) {
      options.violation(`gateway compression ${url.searchParams.get("compress")} is not supported`);
    }
    let authenticated = false;
    send(socket, {
      op: 10,
      d: { heartbeat_interval: options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
    options.changes.notify();
    socket.on("message", (raw) => {
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString());
      } catch {
        options.violation("gateway payload that is not JSON");
        socket.close(4002, "Error while decoding payload.");
        return;
      }
      if (!isObject(payload)) {
        socket.close(4002, "Error while decoding payload.");
        return;
      }
      const d = isObject(payload.d) ? payload.d : {};
      switch (payload.op) {
        case 1:
          send(socket, { op: 11, s: null, t: null, d: null });
          return;
        case 2:
        case 6:
          if (authenticated) {
            options.violation("gateway: a second IDENTIFY/RESUME on one connection");
            socket.close(4005, "Already authenticated.");
            return;
          }
          authenticated = true;
          if (payload.op === 2) identify(socket, d);
          else resume(socket, d);
          return;
        case 3:
        case 4:
        case 8:
          if (!authenticated) {
            options.violation(`gateway op ${String(payload.op)} before IDENTIFY`);
            socket.close(4003, "Not authenticated.");
          }
          return;
        default:
          options.violation(`gateway: unknown opcode ${String(payload.op)}`);
          socket.close(4001, "Unknown opcode.");
      }
    });
    socket.on("close", (code) => {
      sockets.delete(socket);
      for (const s of sessions.values()) {
        if (s.socket !== socket) continue;
        s.socket = null;
        // A client closing with 1000/1001 ends its session for good, as on Discord.
        if (code === 1000 || code === 1001) sessions.delete(s.id);
      }
      options.changes.notify();
    });
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (
      path !== "/gateway" &&
      path !== "/gateway/" &&
      path !== "/gateway-resume" &&
      path !== "/gateway-resume/"
    ) {
      options.violation(`websocket upgrade on unknown path ${path}`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  server.on("upgrade", onUpgrade);

  return {
    stats,
    intents: () => [...sessions.values()].reduce((all, s) => all | s.intents, 0),
    hasSession: () => sessions.size > 0,
    readyCount: () => readies,
    dispatch(t, d, requiredIntent) {
      let sent = false;
      for (const s of sessions.values()) {
        if (requiredIntent !== undefined && (s.intents & requiredIntent) === 0) continue;
        dispatchTo(s, t, typeof d === "function" ? d(s.intents) : d);
        sent = true;
      }
      return sent;
    },
    dropConnection(code = 4000) {
      const live = [...sessions.values()].flatMap((s) => (s.socket ? [s.socket] : []));
      if (live.length === 0) throw new Error("fake Discord: no gateway connection to drop");
      for (const socket of live) {
        if (code === 1006) socket.terminate();
        else socket.close(code, "Dropped by the test");
      }
    },
    invalidateSession() {
      for (const s of sessions.values()) {
        if (s.socket) send(s.socket, { op: 9, d: false, s: null, t: null });
      }
      sessions.clear();
    },
    requestReconnect() {
      for (const s of sessions.values()) {
        if (s.socket) send(s.socket, { op: 7, d: null, s: null, t: null });
      }
    },
    async close() {
      server.off("upgrade", onUpgrade);
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
