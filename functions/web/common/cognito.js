// Signing in through Cognito's hosted UI, for both web apps (the RT chair's form and the staff console, each serving
// this one file as its own): the authorization code flow with PKCE, the code traded for tokens on the way back, the ID
// token renewed with the refresh token, and the sign-out at Cognito. Each app gives its configuration (a getter: the
// app reads config.json after loading this), the address Cognito sends the browser back to, and the sessionStorage key
// that keeps the verifier while the browser is away.

export const b64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * `app`: `{cfg: () => ({domain, clientId}), redirectUri: () => string, pkceKey: string}`.
 * Answers `{signIn, callback, tokenRequest, renewer, signOut}` for that app.
 */
export function hostedUi(app) {
  /** Cognito's token endpoint (the code exchange, the refresh): the tokens, or null. */
  async function tokenRequest(params) {
    const { domain, clientId } = app.cfg();
    try {
      const res = await fetch(`${domain}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, ...params }),
      });
      return res.ok ? await res.json() : null;
    } catch {
      return null;
    }
  }

  /** To Cognito's sign-in page, with a fresh verifier and state kept for the way back. */
  async function signIn() {
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const nonce = b64url(crypto.getRandomValues(new Uint8Array(16)));
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
    sessionStorage.setItem(app.pkceKey, JSON.stringify({ verifier, state: nonce }));
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.cfg().clientId,
      redirect_uri: app.redirectUri(),
      // openid alone puts every attribute the client may read (custom:rt, custom:puskesmas) into the ID token.
      scope: 'openid',
      state: nonce,
      code_challenge: b64url(new Uint8Array(digest)),
      code_challenge_method: 'S256',
    });
    location.assign(`${app.cfg().domain}/oauth2/authorize?${query}`);
  }

  /**
   * Back from Cognito with ?code=…&state=…: trades the code for tokens and drops it from the address bar. Answers
   * undefined when the page was not opened by Cognito, the tokens, or null when the sign-in failed.
   */
  async function callback() {
    const q = new URLSearchParams(location.search);
    if (!q.has('code') && !q.has('error')) return undefined;
    history.replaceState(null, '', location.pathname + location.hash);
    const pkce = JSON.parse(sessionStorage.getItem(app.pkceKey) ?? 'null');
    sessionStorage.removeItem(app.pkceKey);
    const tokens =
      pkce && q.get('state') === pkce.state && q.has('code')
        ? await tokenRequest({
            grant_type: 'authorization_code',
            code: q.get('code'),
            redirect_uri: app.redirectUri(),
            code_verifier: pkce.verifier,
          })
        : null;
    return tokens?.id_token ? tokens : null;
  }

  /**
   * Cognito's ID token lasts an hour: a renewal with the refresh token before giving up on a 401, shared by the calls
   * that meet the 401 together (a page loads several things at once). `session()` is the app's session
   * `{token, refresh}` (or null), `save(next)` keeps the renewed one. The renewal answers whether it renewed.
   */
  function renewer(session, save) {
    let renewing = null;
    return () => {
      renewing ??= (async () => {
        const current = session();
        if (app.cfg().auth !== 'cognito' || !current?.refresh) return false;
        const tokens = await tokenRequest({ grant_type: 'refresh_token', refresh_token: current.refresh });
        if (!tokens?.id_token) return false;
        save({ ...current, token: tokens.id_token });
        return true;
      })().finally(() => {
        renewing = null;
      });
      return renewing;
    };
  }

  /** Ends the session at Cognito too, which sends the browser back to the app. */
  function signOut() {
    const query = new URLSearchParams({ client_id: app.cfg().clientId, logout_uri: app.redirectUri() });
    location.assign(`${app.cfg().domain}/logout?${query}`);
  }

  return { signIn, callback, tokenRequest, renewer, signOut };
}
