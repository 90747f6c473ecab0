import { config } from '@/config/env';
import { ApiError } from '@/lib/api/problem';

/**
 * The browser's portal session.
 *
 * - The access token lives in this module's memory only (never in storage), so a reload or a
 *   new tab starts without one and asks for one with the refresh cookie.
 * - The refresh token is an HttpOnly cookie scoped to `/api/portal/v1/auth`; the SPA never sees
 *   it. `POST /auth/refresh` rotates it on every use, and the server ends the whole session when a
 *   rotated token comes back. So refreshes must never overlap: concurrent callers in this tab
 *   share one in-flight request (single flight), and tabs take turns through a Web Lock.
 */
export type SessionStatus =
  /** Not known yet: the start-up refresh is running. */
  | 'unknown'
  | 'signed-in'
  | 'signed-out'
  /** The start-up refresh failed for another reason than 401 (offline, 429, 5xx). */
  | 'unavailable';

export interface TokenResponse {
  access_token: string;
  expires_in: number;
}

/** Why the session ended, for the sign-in page's message. */
export type EndReason = 'signed-out' | 'expired' | undefined;

/** Refresh this long before the access token's expiry instead of waiting for a 401. */
const EARLY_REFRESH_MS = 30_000;
const LOCK_NAME = 'ordinavo-portal-refresh';

type Listener = () => void;

export class AuthSession {
  private token: string | null = null;
  private expiresAt = 0;
  private status: SessionStatus = 'unknown';
  private endReason: EndReason;
  private inflight: Promise<boolean> | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly basePath: string;

  constructor(basePath: string) {
    this.basePath = basePath;
  }

  getStatus = (): SessionStatus => this.status;

  getToken(): string | null {
    return this.token;
  }

  getEndReason(): EndReason {
    return this.endReason;
  }

  /** True while the token is held and not about to expire. */
  hasFreshToken(now = Date.now()): boolean {
    return this.token !== null && now < this.expiresAt - EARLY_REFRESH_MS;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Takes the token of a sign-in, an accepted invitation, a refresh or a password change. */
  accept(response: TokenResponse): void {
    this.token = response.access_token;
    this.expiresAt = Date.now() + Math.max(0, response.expires_in) * 1000;
    this.endReason = undefined;
    this.setStatus('signed-in');
  }

  /** Forgets the token: the user is signed out (`reason` tells the sign-in page why). */
  end(reason: EndReason): void {
    this.token = null;
    this.expiresAt = 0;
    this.endReason = reason;
    this.setStatus('signed-out');
  }

  /** Forgets everything and returns to `unknown` (a fresh page; used by tests). */
  reset(): void {
    this.token = null;
    this.expiresAt = 0;
    this.endReason = undefined;
    this.inflight = null;
    this.setStatus('unknown');
  }

  /**
   * The start-up check: is there a session behind the refresh cookie? Never throws; a failure
   * other than 401 leaves the status `unavailable` so the app can offer to try again.
   */
  async start(): Promise<void> {
    if (this.status === 'signed-in') {
      return;
    }
    if (this.status === 'unavailable') {
      this.setStatus('unknown');
    }
    try {
      await this.refresh();
    } catch {
      if (this.status === 'unknown') {
        this.setStatus('unavailable');
      }
    }
  }

  /**
   * Exchanges the refresh cookie for a new access token. Resolves `true` when signed in, `false`
   * when the server answered 401 (the session is over); rejects with an `ApiError` for anything
   * else (network, 429, 5xx) without changing the session. Concurrent callers share one request.
   */
  refresh(): Promise<boolean> {
    if (!this.inflight) {
      const wasSignedIn = this.status === 'signed-in';
      this.inflight = this.withLock(() => this.requestRefresh(wasSignedIn)).finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /** Signs out on the server (ends this browser's session family) and forgets the token. */
  async signOut(): Promise<void> {
    try {
      await globalThis.fetch(`${this.basePath}/auth/logout`, {
        method: 'POST',
        credentials: 'same-origin',
      });
    } catch {
      // The cookie stays until it expires, but this tab forgets the session either way.
    }
    this.end('signed-out');
  }

  private async requestRefresh(wasSignedIn: boolean): Promise<boolean> {
    let response: Response;
    try {
      response = await globalThis.fetch(`${this.basePath}/auth/refresh`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
    } catch (e) {
      throw ApiError.network(e);
    }
    if (response.ok) {
      this.accept((await response.json()) as TokenResponse);
      return true;
    }
    if (response.status === 401) {
      this.end(wasSignedIn ? 'expired' : undefined);
      return false;
    }
    throw await ApiError.fromResponse(response);
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? (locks.request(LOCK_NAME, fn) as Promise<T>) : fn();
  }

  private setStatus(status: SessionStatus): void {
    if (this.status !== status) {
      this.status = status;
    }
    // Notify even when unchanged: a new token is news for whoever waits on it.
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}

/** The one session of this tab. */
export const authSession = new AuthSession(config.apiBasePath);
