// Credentials: password hashes (argon2id), the sign-in throttle behind lockouts, refresh tokens,
// magic links and API keys. Passwords are low-entropy, so they get argon2id; every other secret
// here is 256 random bits handed out once, so a sha-256 of it is enough to store (and to look up
// in constant time by its id). No secret is ever stored or returned twice.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Model } from 'mongoose';
import type { Role } from '@helpdesk/contracts';
import { isDuplicateKey } from '../errors';
import type { ApiKeyDoc, MagicLinkDoc, PasswordDoc, RefreshTokenDoc, SignInThrottleDoc } from '../models';

export interface CredentialModels {
  Password: Model<PasswordDoc>;
  SignInThrottle: Model<SignInThrottleDoc>;
  RefreshToken: Model<RefreshTokenDoc>;
  MagicLink: Model<MagicLinkDoc>;
  ApiKey: Model<ApiKeyDoc>;
}

/** An API key as listed: never its secret. */
export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: number;
  lastUsedAt?: number | undefined;
  revokedAt?: number | undefined;
}

export type RefreshOutcome =
  | { ok: true; userId: string; family: string; token: string; expiresAt: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'reused' };

export type MagicLinkOutcome = { ok: true; email: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

// Argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum), spelled out so a
// library upgrade cannot weaken them silently.
const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const newId = () => randomBytes(8).toString('hex');
const newSecret = () => randomBytes(32).toString('base64url');
const normalEmail = (email: string) => email.trim().toLowerCase();

/** `<prefix>_<16 hex id>_<43-char secret>`: the id finds the record, the secret proves the holder. */
function parseToken(prefix: string, token: string): { id: string; secret: string } | undefined {
  const match = new RegExp(`^${prefix}_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$`).exec(token);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : undefined;
}
export const API_KEY_PREFIX = 'hk';
export const looksLikeApiKey = (token: string) => token.startsWith(`${API_KEY_PREFIX}_`);

const apiKeyOf = ({ _id, role, hash: _hash, ...rest }: ApiKeyDoc): ApiKey => ({ id: _id, role: role as Role, ...rest });

export class CredentialsRepository {
  /** A hash to verify against when the user has none, so an unknown email costs as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;
  /** lastUsedAt is written at most this often per key: not one write per request. */
  private static readonly LAST_USED_GRANULARITY_MS = 60_000;

  constructor(private readonly models: CredentialModels) {}

  // ---- passwords

  async setPassword(userId: string, password: string, now = Date.now()): Promise<void> {
    const hash = await argon2Hash(password, ARGON2);
    await this.models.Password.updateOne({ _id: userId }, { $set: { hash, changedAt: now } }, { upsert: true });
  }

  async hasPassword(userId: string): Promise<boolean> {
    return (await this.models.Password.exists({ _id: userId })) !== null;
  }

  /** Whether the password is the user's; as slow for a user without one (or none at all) as for a wrong one. */
  async verifyPassword(userId: string | undefined, password: string): Promise<boolean> {
    const doc = userId ? await this.models.Password.findById(userId).lean<PasswordDoc>() : null;
    this.dummyHash ??= argon2Hash(newSecret(), ARGON2);
    const hash = doc?.hash ?? (await this.dummyHash);
    try {
      return (await argon2Verify(hash, password)) && doc !== null;
    } catch {
      return false;
    }
  }

  // ---- lockout

  /** Until when sign-in for this email is locked (undefined: it is not). */
  async lockedUntil(email: string, now = Date.now()): Promise<number | undefined> {
    const doc = await this.models.SignInThrottle.findById(normalEmail(email)).lean<SignInThrottleDoc>();
    return doc?.lockedUntil !== undefined && doc.lockedUntil > now ? doc.lockedUntil : undefined;
  }

  /**
   * Count a failed sign-in; `maxFailures` within `windowMs` lock the email for `windowMs`.
   * Answers until when it is locked now, if this failure locked it.
   */
  async recordFailure(
    email: string,
    policy: { maxFailures: number; windowMs: number },
    now = Date.now(),
  ): Promise<number | undefined> {
    const _id = normalEmail(email);
    const { SignInThrottle } = this.models;
    let doc = await SignInThrottle.findOneAndUpdate(
      { _id, windowStart: { $gt: now - policy.windowMs } },
      { $inc: { failures: 1 } },
      { new: true },
    ).lean<SignInThrottleDoc>();
    if (!doc) {
      // The first failure of a new window.
      try {
        doc = await SignInThrottle.findOneAndUpdate(
          { _id },
          { $set: { failures: 1, windowStart: now }, $unset: { lockedUntil: '' } },
          { upsert: true, new: true },
        ).lean<SignInThrottleDoc>();
      } catch (err) {
        // Two first failures at once: the other one made the document; count this one on it.
        if (!isDuplicateKey(err)) throw err;
        doc = await SignInThrottle.findOneAndUpdate({ _id }, { $inc: { failures: 1 } }, { new: true }).lean();
      }
    }
    if (!doc || doc.failures < policy.maxFailures) return undefined;
    const lockedUntil = now + policy.windowMs;
    await SignInThrottle.updateOne({ _id }, { $set: { lockedUntil, failures: 0, windowStart: now } });
    return lockedUntil;
  }

  async clearFailures(email: string): Promise<void> {
    await this.models.SignInThrottle.deleteOne({ _id: normalEmail(email) });
  }

  // ---- refresh tokens

  /** A new refresh token, in a new family (a sign-in) or in `family` (a rotation). */
  async issueRefreshToken(
    userId: string,
    ttlMs: number,
    family: string = newId(),
    now = Date.now(),
  ): Promise<{ token: string; family: string; expiresAt: number }> {
    const id = newId();
    const secret = newSecret();
    const expiresAt = now + ttlMs;
    await this.models.RefreshToken.create({ _id: id, family, userId, hash: sha256(secret), createdAt: now, expiresAt });
    return { token: `rt_${id}_${secret}`, family, expiresAt };
  }

  /**
   * Trade a refresh token for the next one of its family. A token already traded is a theft or a
   * replay: its whole family is revoked, so neither the thief nor the owner can go on with it.
   */
  async rotateRefreshToken(token: string, ttlMs: number, now = Date.now()): Promise<RefreshOutcome> {
    const parsed = parseToken('rt', token);
    if (!parsed) return { ok: false, reason: 'invalid' };
    const { RefreshToken } = this.models;
    const doc = await RefreshToken.findById(parsed.id).lean<RefreshTokenDoc>();
    if (!doc || !sameHash(doc.hash, sha256(parsed.secret))) return { ok: false, reason: 'invalid' };
    if (doc.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    if (doc.rotatedAt !== undefined) {
      await this.revokeFamily(doc.family, now);
      return { ok: false, reason: 'reused' };
    }
    if (doc.expiresAt <= now) return { ok: false, reason: 'expired' };
    // Only one of two concurrent uses wins the trade; the loser is a reuse.
    const claimed = await RefreshToken.findOneAndUpdate(
      { _id: doc._id, rotatedAt: { $exists: false }, revokedAt: { $exists: false } },
      { $set: { rotatedAt: now } },
    ).lean<RefreshTokenDoc>();
    if (!claimed) {
      await this.revokeFamily(doc.family, now);
      return { ok: false, reason: 'reused' };
    }
    const next = await this.issueRefreshToken(doc.userId, ttlMs, doc.family, now);
    return { ok: true, userId: doc.userId, ...next };
  }

  /** The family a refresh token belongs to, when the token is genuine. */
  async refreshFamily(token: string): Promise<{ family: string; userId: string } | undefined> {
    const parsed = parseToken('rt', token);
    if (!parsed) return undefined;
    const doc = await this.models.RefreshToken.findById(parsed.id).lean<RefreshTokenDoc>();
    return doc && sameHash(doc.hash, sha256(parsed.secret)) ? { family: doc.family, userId: doc.userId } : undefined;
  }

  async revokeFamily(family: string, now = Date.now()): Promise<void> {
    await this.models.RefreshToken.updateMany({ family, revokedAt: { $exists: false } }, { $set: { revokedAt: now } });
  }

  /** Every session of the user ends (a password change, a deactivation). */
  async revokeUserSessions(userId: string, now = Date.now()): Promise<void> {
    await this.models.RefreshToken.updateMany({ userId, revokedAt: { $exists: false } }, { $set: { revokedAt: now } });
  }

  // ---- magic links

  /** A link to be mailed to `email`; its secret is minted by whoever mails it (mintMagicLink). */
  async createMagicLink(email: string, ttlMs: number, now = Date.now()): Promise<{ id: string; expiresAt: number }> {
    const id = newId();
    const expiresAt = now + ttlMs;
    await this.models.MagicLink.create({ _id: id, email: normalEmail(email), createdAt: now, expiresAt });
    return { id, expiresAt };
  }

  /**
   * The link's secret, made now (only its hash is kept), unless the link was mailed, used or has
   * expired. A retried mailing mints again, so only the last mail's link works.
   */
  async mintMagicLink(
    id: string,
    now = Date.now(),
  ): Promise<{ token: string; email: string; expiresAt: number } | undefined> {
    const secret = newSecret();
    const doc = await this.models.MagicLink.findOneAndUpdate(
      { _id: id, mailedAt: { $exists: false }, usedAt: { $exists: false }, expiresAt: { $gt: now } },
      { $set: { hash: sha256(secret) } },
      { new: true },
    ).lean<MagicLinkDoc>();
    return doc ? { token: `ml_${id}_${secret}`, email: doc.email, expiresAt: doc.expiresAt } : undefined;
  }

  async markMagicLinkMailed(id: string, now = Date.now()): Promise<void> {
    await this.models.MagicLink.updateOne({ _id: id }, { $set: { mailedAt: now } });
  }

  /** Use a link once: the first use wins; a second, or one after expiry, is refused. */
  async useMagicLink(token: string, now = Date.now()): Promise<MagicLinkOutcome> {
    const parsed = parseToken('ml', token);
    if (!parsed) return { ok: false, reason: 'invalid' };
    const { MagicLink } = this.models;
    const doc = await MagicLink.findById(parsed.id).lean<MagicLinkDoc>();
    if (!doc?.hash || !sameHash(doc.hash, sha256(parsed.secret))) return { ok: false, reason: 'invalid' };
    if (doc.usedAt !== undefined) return { ok: false, reason: 'used' };
    if (doc.expiresAt <= now) return { ok: false, reason: 'expired' };
    const claimed = await MagicLink.findOneAndUpdate(
      { _id: doc._id, hash: doc.hash, usedAt: { $exists: false } },
      { $set: { usedAt: now } },
    ).lean<MagicLinkDoc>();
    return claimed ? { ok: true, email: doc.email } : { ok: false, reason: 'used' };
  }

  // ---- API keys

  /** A new key: `key` is shown to its creator once and never again. */
  async createApiKey(
    input: { name: string; role: Role; createdBy: string },
    now = Date.now(),
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const id = newId();
    const secret = newSecret();
    const doc: ApiKeyDoc = { _id: id, ...input, hash: sha256(secret), createdAt: now };
    await this.models.ApiKey.create(doc);
    return { key: `${API_KEY_PREFIX}_${id}_${secret}`, apiKey: apiKeyOf(doc) };
  }

  async listApiKeys(limit = 500): Promise<ApiKey[]> {
    const docs = await this.models.ApiKey.find({}).sort({ createdAt: -1 }).limit(limit).lean<ApiKeyDoc[]>();
    return docs.map(apiKeyOf);
  }

  /** Revoke a key (at once, for good); undefined when there is no such key. Revoking twice keeps the first time. */
  async revokeApiKey(id: string, now = Date.now()): Promise<ApiKey | undefined> {
    await this.models.ApiKey.updateOne({ _id: id, revokedAt: { $exists: false } }, { $set: { revokedAt: now } });
    const doc = await this.models.ApiKey.findById(id).lean<ApiKeyDoc>();
    return doc ? apiKeyOf(doc) : undefined;
  }

  /** The key a presented `hk_…` string is, unless it is unknown, forged or revoked. */
  async authenticateApiKey(key: string, now = Date.now()): Promise<ApiKey | undefined> {
    const parsed = parseToken(API_KEY_PREFIX, key);
    if (!parsed) return undefined;
    const doc = await this.models.ApiKey.findById(parsed.id).lean<ApiKeyDoc>();
    if (!doc || !sameHash(doc.hash, sha256(parsed.secret)) || doc.revokedAt !== undefined) return undefined;
    if (doc.lastUsedAt === undefined || now - doc.lastUsedAt > CredentialsRepository.LAST_USED_GRANULARITY_MS) {
      await this.models.ApiKey.updateOne({ _id: doc._id }, { $set: { lastUsedAt: now } });
      doc.lastUsedAt = now;
    }
    return apiKeyOf(doc);
  }
}
