// A signed-in session in the browser: the access and refresh tokens (kept in a TokenStore), sign-in
// by password or magic link, one refresh at a time on a 401, and sign-out. `authorizedFetch` is the
// fetch the typed client and the live stream go through.
import type { components } from './generated/api';
import { ProblemError, isProblem } from './problem';

export type Tokens = components['schemas']['Tokens'];
export type SignedInUser = Tokens['user'];

/** What a session keeps between page loads. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token lapses (refreshed a little before). */
  accessExpiresAt: number;
  user: SignedInUser;
}

/** Where the tokens live: localStorage in the apps, memory in tests. */
export interface TokenStore {
  load(): StoredSession | null;
  save(session: StoredSession | null): void;
}

export function memoryTokenStore(initial: StoredSession | null = null): TokenStore {
  let current = initial;
  return {
    load: () => current,
    save: (session) => {
      current = session;
    },
  };
}

/** localStorage under `key`; a value that does not parse counts as signed out. */
export function localTokenStore(key: string, storage: Storage = globalThis.localStorage): TokenStore {
  return {
    load() {
      const raw = storage.getItem(key);
      if (!raw) return null;
      try {
        const parsed = JSON.parse(raw) as StoredSession;
        return typeof parsed.accessToken === 'string' && typeof parsed.refreshToken === 'string' ? parsed : null;
      } catch {
        return null;
      }
    },
    save(session) {
      if (session) storage.setItem(key, JSON.stringify(session));
      else storage.removeItem(key);
    },
  };
}

export interface SessionOptions {
  /** Origin (and prefix) of the API, '' for the page's own origin. */
  baseUrl?: string;
  store?: TokenStore;
  fetch?: typeof fetch;
}

type Listener = (user: SignedInUser | null) => void;

/** Refresh this long before the access token lapses, so a request rarely meets a 401. */
const EARLY_REFRESH_MS = 30_000;

export class Session {
  readonly baseUrl: string;
  private readonly store: TokenStore;
  private readonly fetchImpl: typeof fetch;
  private current: StoredSession | null;
  private refreshing: Promise<boolean> | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(options: SessionOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.store = options.store ?? memoryTokenStore();
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.current = this.store.load();
  }

  /** The signed-in user, or null. */
  get user(): SignedInUser | null {
    return this.current?.user ?? null;
  }

  get accessToken(): string | null {
    return this.current?.accessToken ?? null;
  }

  /** Told with the user on every sign-in, and null on sign-out or a session that ended. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Password sign-in (agents and admins). Throws a ProblemError with the API's detail when refused. */
  async signIn(email: string, password: string): Promise<SignedInUser> {
    return this.accept(await this.post('/v1/auth/login', { email, password }));
  }

  /** Ask for a magic link to be mailed (always accepted: says nothing about the address). */
  async requestMagicLink(email: string): Promise<void> {
    await this.post('/v1/auth/magic-link', { email });
  }

  /** Sign in with the token of a magic link. */
  async verifyMagicLink(token: string): Promise<SignedInUser> {
    return this.accept(await this.post('/v1/auth/magic-link/verify', { token }));
  }

  /** Trade the refresh token for new tokens; one exchange at a time. False: the session has ended. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.current?.refreshToken;
      if (!refreshToken) return false;
      try {
        this.accept(await this.post('/v1/auth/refresh', { refreshToken }));
        return true;
      } catch (error) {
        // A refused refresh ends the session; a network failure keeps it for the next try.
        if (error instanceof ProblemError && error.status === 401) this.end();
        return false;
      }
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** End the session here and on the server (its refresh token is revoked). */
  async signOut(): Promise<void> {
    const refreshToken = this.current?.refreshToken;
    this.end();
    if (refreshToken) await this.post('/v1/auth/logout', { refreshToken }).catch(() => undefined);
  }

  /**
   * fetch with the bearer token; on a 401 it refreshes once and sends the request again. A Request
   * is cloned before it is sent, since its body can be read only once.
   */
  readonly authorizedFetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (this.current && this.current.accessExpiresAt - EARLY_REFRESH_MS < Date.now()) await this.refresh();
    const retry = request.clone();
    const response = await this.fetchImpl(this.withToken(request));
    if (response.status !== 401 || !this.current) return response;
    if (!(await this.refresh())) return response;
    return this.fetchImpl(this.withToken(retry));
  };

  private withToken(request: Request): Request {
    const token = this.current?.accessToken;
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ProblemError(isProblem(parsed) ? parsed : undefined, response.status);
    return parsed;
  }

  private accept(answer: unknown): SignedInUser {
    const tokens = answer as Tokens;
    this.current = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      accessExpiresAt: Date.now() + tokens.expiresIn * 1000,
      user: tokens.user,
    };
    this.store.save(this.current);
    this.emit();
    return tokens.user;
  }

  private end(): void {
    if (!this.current) return;
    this.current = null;
    this.store.save(null);
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.user);
  }
}
