// Calls to the service's public API with the session's credential. Errors carry the API's
// error code, message and status; a 401 ends the session.
import { authHeaders, clearSession, currentSession } from './session.js';

/** An error answer of the API (or of the network). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = () => {};

/** Registers what happens when the credential is refused (the app returns to sign-in). */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** `path` with query parameters (undefined, null and '' left out; arrays repeated). */
export function withQuery(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

// The service runs at most `api.max_concurrent_queries_per_org` reads of one organization at
// once (4 by default) and answers 429 `too_many_concurrent_queries` beyond: the page keeps
// fewer requests in flight than that, and retries that refusal after its Retry-After.
const MAX_IN_FLIGHT = 3;
const MAX_RETRIES = 4;
let inFlight = 0;
const waiting = [];

async function slot() {
  if (inFlight < MAX_IN_FLIGHT) { inFlight += 1; return; }
  await new Promise((resolve) => waiting.push(resolve));
}

function release() {
  const next = waiting.shift();
  if (next) next(); else inFlight -= 1;
}

/** Sends a request; resolves with the parsed JSON (null for 204), rejects with an ApiError. */
export async function request(method, path, body) {
  await slot();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send(method, path, body);
      } catch (error) {
        const wait = error.retryAfter ?? 1;
        if (!(error instanceof ApiError) || error.code !== 'too_many_concurrent_queries' || attempt >= MAX_RETRIES || wait > 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      }
    }
  } finally {
    release();
  }
}

async function send(method, path, body) {
  const session = currentSession();
  if (!session) {
    onUnauthorized();
    throw new ApiError(401, 'signed_out', 'You are signed out.');
  }
  const headers = { ...authHeaders(session), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'The service did not answer. Check that it is running, then retry.');
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) {
      clearSession();
      onUnauthorized('Your session ended; sign in again.');
    }
    const error = new ApiError(response.status, data?.error?.code ?? 'http_error', data?.error?.message ?? `The service answered ${response.status}.`);
    const retryAfter = Number(response.headers.get('Retry-After'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) error.retryAfter = retryAfter;
    throw error;
  }
  return data;
}

export const get = (path, query) => request('GET', withQuery(path, query));
export const post = (path, body) => request('POST', path, body ?? {});
export const put = (path, body) => request('PUT', path, body);
export const remove = (path) => request('DELETE', path);

/** The metric names the organization has (cached for the page's life, refreshed on demand). */
let metricsCache = null;
export async function metricNames(refresh = false) {
  if (!metricsCache || refresh) metricsCache = get('/api/v1/analytics/metrics').then((r) => r.metrics);
  try {
    return await metricsCache;
  } catch (error) {
    metricsCache = null;
    throw error;
  }
}
