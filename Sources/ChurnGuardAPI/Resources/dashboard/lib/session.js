// The signed-in session: an access token (or, on a service without tokens, the API key) in
// session storage only — gone when the tab closes, never in a URL, a cookie or a log.
const KEY = 'churnguard.session';

/** The current session ({credential, kind: 'token'|'key', expiresAt}) or null. */
export function currentSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (!session?.credential) return null;
    if (session.expiresAt && Date.now() > session.expiresAt) { clearSession(); return null; }
    return session;
  } catch {
    return null;
  }
}

/** Exchanges `apiKey` for an access token (POST /api/v1/auth/token) and stores the session. */
export async function signIn(apiKey) {
  const response = await fetch('/api/v1/auth/token', { method: 'POST', headers: { 'X-API-Key': apiKey } });
  if (response.status === 404) {
    // Tokens are turned off on this service: the key itself is the session's credential.
    return store({ credential: apiKey, kind: 'key', expiresAt: null });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.error?.message ?? `sign-in failed (${response.status})`);
    error.code = body?.error?.code ?? 'sign_in_failed';
    throw error;
  }
  return store({
    credential: body.access_token,
    kind: 'token',
    scopes: body.scope,
    // Ends a minute early, so a request never races the expiry.
    expiresAt: Date.now() + Math.max(60, body.expires_in - 60) * 1000,
  });
}

function store(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** Forgets the session. */
export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** The headers that authenticate a request with `session`. */
export function authHeaders(session) {
  return session.kind === 'token' ? { Authorization: `Bearer ${session.credential}` } : { 'X-API-Key': session.credential };
}
