/**
 * What the OpenAI-compatible clients (chat in ask/, embeddings in index/) share: how a server is
 * named in messages, and keeping the key out of everything users or logs see.
 */
export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Local servers ignore the key, but the client refuses an empty one. */
export const PLACEHOLDER_API_KEY = "not-needed";

export function apiKeyOrPlaceholder(apiKey: string | undefined): string {
  return apiKey?.trim() || PLACEHOLDER_API_KEY;
}

/** The server as messages name it: its URL without credentials, query or fragment. */
export function describeServer(baseURL: string | undefined): string {
  const raw = baseURL ?? OPENAI_DEFAULT_BASE_URL;
  try {
    const url = new URL(raw);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return raw;
  }
}

/** `status message`, without repeating a status the message already starts with. */
export function withStatusCode(status: number, message: string): string {
  return message.startsWith(String(status)) ? message : `${status} ${message}`;
}

/** Removes the key, bearer tokens and anything shaped like an OpenAI key from a message. */
export function redactSecrets(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey && apiKey !== PLACEHOLDER_API_KEY && apiKey.length >= 4)
    out = out.split(apiKey).join("***");
  return out
    .replace(/Bearer\s+[^\s"',;]+/gi, "Bearer ***")
    .replace(/\bsk-[A-Za-z0-9_-]{6,}/g, "sk-***");
}

/** Settles as soon as the signal aborts, even if the client ignores the signal. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
