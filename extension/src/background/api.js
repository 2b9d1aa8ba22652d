// The only module that knows the server URL and talks HTTP. It runs in the service
// worker: requests made from a content script would carry the page's origin.
import { loadSettings } from "../shared/settings.js";
import { normaliseServerUrl } from "../shared/sites.js";

const REQUEST_TIMEOUT_MS = 10_000; // long enough for a big batch on a slow server, short enough to give up quietly

/** Expected failures: shown as one quiet line in the popup, never thrown at the page. */
export class ExtensionError extends Error {
  kind = "internal";
}
export class ServerUnreachableError extends ExtensionError {
  kind = "unreachable";
}
export class ServerTimeoutError extends ExtensionError {
  kind = "timeout";
}
export class ServerHttpError extends ExtensionError {
  kind = "http";
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}
export class BadResponseError extends ExtensionError {
  kind = "bad-response";
}

/** Returns a plain {kind, message, status?} for any error, suitable for a message reply. */
export function describeError(error) {
  if (error instanceof ExtensionError) {
    const info = { kind: error.kind, message: error.message };
    if (error.status !== undefined) info.status = error.status;
    return info;
  }
  console.error("claimnotes: unexpected error", error);
  return { kind: "internal", message: "Something went wrong inside the extension." };
}

async function request(path, body) {
  const settings = await loadSettings();
  let base;
  try {
    base = normaliseServerUrl(settings.serverUrl);
  } catch {
    throw new ServerUnreachableError("The server URL in the options is not valid.");
  }
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (settings.token) headers.Authorization = `Bearer ${settings.token}`;
  let response;
  try {
    response = await fetch(base + path, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    if (error?.name === "TimeoutError" || error?.name === "AbortError") {
      throw new ServerTimeoutError("The Claimnotes server took too long to answer.");
    }
    throw new ServerUnreachableError("Can't reach the Claimnotes server.");
  }
  if (!response.ok) {
    let detail = "";
    try {
      detail = (await response.json())?.detail ?? "";
    } catch {
      // the error body is optional
    }
    const why = response.status === 401 || response.status === 403 ? "the reader token was refused" : `error ${response.status}`;
    throw new ServerHttpError(`The Claimnotes server answered with ${why}${detail ? `: ${String(detail).slice(0, 120)}` : ""}.`, response.status);
  }
  try {
    return await response.json();
  } catch {
    throw new BadResponseError("The Claimnotes server sent an answer the extension can't read.");
  }
}

/** POST /v1/match with blocks [{id, text}]; returns {matches, store_version}. */
export async function postMatch(blocks) {
  const data = await request("/v1/match", { blocks });
  if (!data || !Array.isArray(data.matches)) {
    throw new BadResponseError("The Claimnotes server sent an answer the extension can't read.");
  }
  return { matches: data.matches, store_version: data.store_version ?? null };
}

/** POST /v1/feedback; returns the server's {claim_id, helpful, wrong_match}. */
export async function postFeedback({ claim_id, verdict, quote }) {
  return request("/v1/feedback", { claim_id, verdict, quote });
}
