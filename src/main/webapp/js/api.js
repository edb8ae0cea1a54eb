// Depot's API as the page uses it: same origin, the session cookie, the session's CSRF token on every
// request that changes something, and X-Requested-With so that a 401 does not make the browser show
// its own Basic login dialog (Depot then names only the Bearer scheme). Problems (RFC 9457) become
// ApiError with the server's `detail`, which the page shows as it is.

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || `The server answered ${status}.`);
    this.status = status;
    this.code = code;
  }
}

const session = { csrf: null, name: null };
let onSessionEnded = () => {};

/** What to do when a signed-in page gets a 401: its session ended (idle timeout, restart, sign-out elsewhere). */
export function whenSessionEnds(handler) {
  onSessionEnded = handler;
}

export function sessionEnded() {
  if (session.name) {
    session.csrf = null;
    session.name = null;
    onSessionEnded();
  }
}

export function signedInAs() {
  return session.name;
}

export function headers(unsafe) {
  const h = { "X-Requested-With": "XMLHttpRequest" };
  if (unsafe && session.csrf) {
    h["X-Depot-CSRF"] = session.csrf;
  }
  return h;
}

/** The API URL of a path below /depot/api/, each segment percent-encoded. */
export function apiUrl(path) {
  return new URL("api/" + path, document.baseURI).href;
}

export function fileUrl(path) {
  return apiUrl("files/" + encodePath(path));
}

export function encodePath(path) {
  return path.split("/").map(encodeURIComponent).join("/");
}

export async function problemOf(response) {
  let code = null;
  let detail = null;
  try {
    const body = await response.json();
    code = body.code ?? null;
    detail = body.detail ?? body.title ?? null;
  } catch {
    // not a problem document: the status says it
  }
  return new ApiError(response.status, code, detail);
}

export async function call(method, path, { json, expect = [200], extraHeaders = {} } = {}) {
  const unsafe = !["GET", "HEAD", "OPTIONS"].includes(method);
  const init = { method, headers: { ...headers(unsafe), ...extraHeaders }, credentials: "same-origin" };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  }
  const response = await fetch(apiUrl(path), init);
  if (!expect.includes(response.status)) {
    if (response.status === 401 && path !== "session") {
      sessionEnded();
    }
    throw await problemOf(response);
  }
  return response;
}

export async function signIn(username, password) {
  const response = await call("POST", "session", { json: { username, password }, expect: [200, 201] });
  remember(await response.json());
}

/** Who the browser is signed in as, or null (a 401). */
export async function whoAmI() {
  try {
    const response = await call("GET", "session");
    const body = await response.json();
    remember(body);
    return body;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      return null;
    }
    throw e;
  }
}

export async function signOut() {
  await call("DELETE", "session", { expect: [204, 200] });
  session.csrf = null;
  session.name = null;
}

function remember(body) {
  session.csrf = body.csrfToken ?? null;
  session.name = body.name ?? null;
}
