/**
 * Bearer tokens a registry's token server issued, kept per (realm, service, scopes, account) until shortly before
 * they expire, so a pull of many layers asks the token server once.
 */
export interface CachedToken {
  token: string;
  /** epoch ms after which the token is not used again */
  expiresAt: number;
}

/** Tokens are dropped this long before the server says they expire. */
const EXPIRY_MARGIN_MS = 10_000;

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  static key(realm: string, service: string, scopes: string[], account: string): string {
    return JSON.stringify([realm, service, [...scopes].sort(), account]);
  }

  get(key: string, now = Date.now()): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (t.expiresAt - EXPIRY_MARGIN_MS <= now) {
      this.tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  set(key: string, token: string, expiresInSeconds: number, now = Date.now()): void {
    // The token spec's default lifetime is 60 s when the server does not say.
    const seconds = Number.isFinite(expiresInSeconds) && expiresInSeconds > 0 ? expiresInSeconds : 60;
    this.tokens.set(key, { token, expiresAt: now + seconds * 1000 });
  }
}
