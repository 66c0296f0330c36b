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

/** Sends a request; resolves with the parsed JSON (null for 204), rejects with an ApiError. */
export async function request(method, path, body) {
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
    throw new ApiError(response.status, data?.error?.code ?? 'http_error', data?.error?.message ?? `The service answered ${response.status}.`);
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
