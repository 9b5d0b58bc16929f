// Who is asking. One `authenticate` tries, in order: an API key (`Bearer hk_…` or `X-Api-Key`),
// an OIDC provider's token (when OIDC_ISSUER is set), the gateway's own access tokens (handed out
// by sign-in), and HS256 dev tokens (AUTH_JWT_SECRET; development only unless AUTH_DEV_TOKENS=1).
// Every handler reads the actor from res.locals.actor, never from the body.
import { createHmac, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import { ROLES, ZTokenClaimsSchema } from '@helpdesk/contracts';
import type { Actor, DirectoryUser, Role, TTokenClaims } from '@helpdesk/contracts';
import { devTokensAllowed, oidcRoleMap } from '@helpdesk/config';
import type { Config } from '@helpdesk/config';
import { looksLikeApiKey } from '@helpdesk/persistence';
import type { Store } from '@helpdesk/persistence';
import type { RequestHandler, Response } from 'express';
import { AppError, RETRY_AFTER_SECONDS, UnauthorizedError } from './errors';

export function signToken(
  claims: TTokenClaims,
  secret: string,
  expiresIn: jwt.SignOptions['expiresIn'] = '12h',
): string {
  return jwt.sign(ZTokenClaimsSchema.parse(claims), secret, { algorithm: 'HS256', expiresIn });
}

/** Who is asking: what authenticate() put on the response for this request. */
export const actorOf = (res: Response): Actor => res.locals.actor as Actor;

export interface OidcOptions {
  issuer: string;
  audience: string;
  /** The claim that carries roles (string or string[]). */
  roleClaim: string;
  /** Claim value → role, for tokens whose email names no directory user. */
  roleMap: Record<string, Role>;
  emailClaim: string;
}

export interface AuthOptions {
  /** AUTH_JWT_SECRET: signs dev tokens (`npm run token`, the tests). */
  devSecret: string;
  devTokens: boolean;
  /** Signs the gateway's access tokens; unset: derived from devSecret (a different key all the same). */
  accessSecret?: string | undefined;
  accessTtlSeconds: number;
  refreshTtlMs: number;
  lockout: { maxFailures: number; windowMs: number };
  magicLinkTtlMs: number;
  magicLinkUrl: string;
  oidc?: OidcOptions | undefined;
}

export function authOptionsFromConfig(config: Config): AuthOptions {
  return {
    devSecret: config.AUTH_JWT_SECRET,
    devTokens: devTokensAllowed(config),
    accessSecret: config.AUTH_ACCESS_SECRET,
    accessTtlSeconds: config.AUTH_ACCESS_TTL_SECONDS,
    refreshTtlMs: config.AUTH_REFRESH_TTL_DAYS * 86_400_000,
    lockout: { maxFailures: config.AUTH_LOCKOUT_MAX_FAILURES, windowMs: config.AUTH_LOCKOUT_WINDOW_SECONDS * 1000 },
    magicLinkTtlMs: config.AUTH_MAGIC_LINK_TTL_MINUTES * 60_000,
    magicLinkUrl: config.AUTH_MAGIC_LINK_URL,
    ...(config.OIDC_ISSUER && config.OIDC_AUDIENCE
      ? {
          oidc: {
            issuer: config.OIDC_ISSUER,
            audience: config.OIDC_AUDIENCE,
            roleClaim: config.OIDC_ROLE_CLAIM,
            roleMap: oidcRoleMap(config.OIDC_ROLE_MAP),
            emailClaim: config.OIDC_EMAIL_CLAIM,
          },
        }
      : {}),
  };
}

/** The defaults of the configuration, for apps built without one (tests): dev tokens on. */
export function defaultAuthOptions(devSecret: string): AuthOptions {
  return {
    devSecret,
    devTokens: true,
    accessTtlSeconds: 900,
    refreshTtlMs: 30 * 86_400_000,
    lockout: { maxFailures: 5, windowMs: 900_000 },
    magicLinkTtlMs: 15 * 60_000,
    magicLinkUrl: 'http://localhost:3000/portal/sign-in/magic',
  };
}

/** Access tokens name their issuer, so no other HS256 token (a dev token) passes for one. */
const ACCESS_ISSUER = 'helpdesk-gateway';
const ACCESS_AUDIENCE = 'helpdesk-api';

/** The unverified `iss` claim of a JWT (undefined when it has none or is no JWT). */
function issuerOf(token: string): unknown {
  const decoded = jwt.decode(token, { json: true });
  return decoded?.iss;
}

type Jose = typeof JoseModule;
// jose is an ES module; this package compiles to CommonJS, so it is loaded once, on first use.
let josePromise: Promise<Jose> | undefined;
const loadJose = (): Promise<Jose> => (josePromise ??= import('jose'));

/** Tokens of the configured OIDC provider, checked against its published keys (discovery, then JWKS). */
class OidcVerifier {
  private jwks: ReturnType<Jose['createRemoteJWKSet']> | undefined;

  constructor(readonly options: OidcOptions) {}

  /** Whether the (not yet verified) token says it comes from this issuer. */
  private async keySet(jose: Jose): Promise<ReturnType<Jose['createRemoteJWKSet']>> {
    if (this.jwks) return this.jwks;
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let metadata: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      metadata = (await res.json()) as typeof metadata;
    } catch (err) {
      // Not cached: the next token tries again.
      throw new AppError(
        503,
        'dependency_unavailable',
        `The OIDC provider's discovery document could not be read (${err instanceof Error ? err.message : String(err)})`,
        {},
        RETRY_AFTER_SECONDS,
      );
    }
    if (metadata.issuer !== this.options.issuer || typeof metadata.jwks_uri !== 'string')
      throw new AppError(
        503,
        'dependency_unavailable',
        'The OIDC discovery document names another issuer or no jwks_uri',
      );
    this.jwks = jose.createRemoteJWKSet(new URL(metadata.jwks_uri));
    return this.jwks;
  }

  async verify(token: string): Promise<Record<string, unknown>> {
    const jose = await loadJose();
    const keys = await this.keySet(jose);
    try {
      const { payload } = await jose.jwtVerify(token, keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        // Asymmetric only: an HS256 token "from" the issuer would be signed with a public value.
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (err) {
      if (err instanceof jose.errors.JWTExpired) throw new UnauthorizedError('The OIDC token has expired');
      if (err instanceof jose.errors.JWTClaimValidationFailed)
        throw new UnauthorizedError(`The OIDC token is not valid here: its ${err.claim} claim does not match`);
      if (err instanceof jose.errors.JWKSNoMatchingKey)
        throw new UnauthorizedError('The OIDC token is signed with a key the provider does not publish');
      // Not a verdict on the token (the key set could not be fetched): the provider is the problem.
      if (err instanceof jose.errors.JWKSTimeout || !(err instanceof jose.errors.JOSEError))
        throw new AppError(
          503,
          'dependency_unavailable',
          'The OIDC provider did not answer for its keys',
          {},
          RETRY_AFTER_SECONDS,
        );
      throw new UnauthorizedError('The OIDC token is not valid');
    }
  }
}

/** Most privileged first: a token mapped to several roles acts with the strongest. */
const ROLE_ORDER: Role[] = ['admin', 'agent', 'service', 'requester'];

export class Authenticator {
  private readonly devKey: KeyObject;
  private readonly accessKey: KeyObject;
  private readonly oidc: OidcVerifier | undefined;

  constructor(
    private readonly store: Store,
    readonly options: AuthOptions,
  ) {
    // Key objects made once: given a string, jsonwebtoken tries to parse it as a public key on
    // every request first, which cost more than the rest of the check.
    this.devKey = createSecretKey(Buffer.from(options.devSecret, 'utf8'));
    this.accessKey = createSecretKey(
      options.accessSecret
        ? Buffer.from(options.accessSecret, 'utf8')
        : createHmac('sha256', options.devSecret).update('helpdesk access tokens').digest(),
    );
    this.oidc = options.oidc ? new OidcVerifier(options.oidc) : undefined;
  }

  /** A short-lived access token for a directory user. */
  issueAccessToken(user: Pick<DirectoryUser, 'id' | 'role' | 'name' | 'email'>): {
    accessToken: string;
    expiresIn: number;
  } {
    const claims = ZTokenClaimsSchema.parse({ sub: user.id, role: user.role, name: user.name, email: user.email });
    const accessToken = jwt.sign(claims, this.accessKey, {
      algorithm: 'HS256',
      expiresIn: this.options.accessTtlSeconds,
      issuer: ACCESS_ISSUER,
      audience: ACCESS_AUDIENCE,
    });
    return { accessToken, expiresIn: this.options.accessTtlSeconds };
  }

  middleware(): RequestHandler {
    return async (req, res, next) => {
      const header = req.headers.authorization ?? '';
      const bearer = /^Bearer (.+)$/i.exec(header)?.[1]?.trim();
      const apiKeyHeader = req.headers['x-api-key'];
      const apiKey = typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : undefined;
      res.locals.actor = await this.actorFor(bearer, apiKey);
      next();
    };
  }

  private async actorFor(bearer: string | undefined, apiKey: string | undefined): Promise<Actor> {
    const key = apiKey ?? (bearer && looksLikeApiKey(bearer) ? bearer : undefined);
    if (key !== undefined) {
      const found = await this.store.credentials.authenticateApiKey(key);
      if (!found) throw new UnauthorizedError('The API key is not valid or has been revoked');
      return { id: `apikey-${found.id}`, role: found.role, name: found.name };
    }
    if (!bearer) throw new UnauthorizedError();
    // The unverified issuer says which key may verify the token: the identity provider's, the
    // gateway's own access tokens', else the dev secret. A failed verify (an error with its stack)
    // costs more than the decode, so no token is tried against a key its issuer rules out.
    const issuer = issuerOf(bearer);
    if (this.oidc && issuer === this.oidc.options.issuer) return this.oidcActor(await this.oidc.verify(bearer));
    if (issuer === ACCESS_ISSUER) {
      const access = this.verifyHs256(bearer, this.accessKey, { issuer: ACCESS_ISSUER, audience: ACCESS_AUDIENCE });
      if (access.ok) return access.actor;
      if (access.why !== 'invalid') throw new UnauthorizedError(access.message);
    }
    const dev = this.verifyHs256(bearer, this.devKey, {});
    if (!this.options.devTokens)
      throw new UnauthorizedError(
        dev.ok || dev.why === 'expired'
          ? 'Dev tokens (AUTH_JWT_SECRET) are not accepted here: sign in, or use an API key'
          : 'The token is not valid',
      );
    if (dev.ok) return dev.actor;
    throw new UnauthorizedError(dev.message);
  }

  private verifyHs256(
    token: string,
    key: KeyObject,
    expect: { issuer?: string; audience?: string },
  ): { ok: true; actor: Actor } | { ok: false; why: 'expired' | 'invalid' | 'claims'; message: string } {
    let payload: unknown;
    try {
      payload = jwt.verify(token, key, { algorithms: ['HS256'], ...expect });
    } catch (err) {
      return err instanceof jwt.TokenExpiredError
        ? { ok: false, why: 'expired', message: 'The token has expired' }
        : { ok: false, why: 'invalid', message: 'The token is not valid' };
    }
    const claims = ZTokenClaimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, why: 'claims', message: 'The token lacks a valid sub or role claim' };
    return {
      ok: true,
      actor: { id: claims.data.sub, role: claims.data.role, name: claims.data.name, email: claims.data.email },
    };
  }

  /**
   * An OIDC token's principal: the directory user its email claim names (the directory decides
   * the role), else the role its role claim maps to (a machine client, or a person the directory
   * does not know), else nobody.
   */
  private async oidcActor(payload: Record<string, unknown>): Promise<Actor> {
    const options = this.oidc?.options;
    if (!options) throw new UnauthorizedError();
    const email = payload[options.emailClaim];
    if (typeof email === 'string' && email.includes('@')) {
      const user = await this.store.directory.userByEmail(email);
      if (user) {
        if (!user.active) throw new UnauthorizedError('The directory user of this OIDC token is deactivated');
        return { id: user.id, role: user.role, name: user.name, email: user.email };
      }
    }
    const raw = payload[options.roleClaim];
    const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/\s+/) : [];
    const mapped = new Set(
      values.flatMap((v) => {
        if (typeof v !== 'string') return [];
        const role = options.roleMap[v];
        return role && (ROLES as readonly string[]).includes(role) ? [role] : [];
      }),
    );
    const role = ROLE_ORDER.find((r) => mapped.has(r));
    const subject = typeof payload.sub === 'string' ? payload.sub : payload.client_id;
    if (!role || typeof subject !== 'string' || !subject)
      throw new UnauthorizedError(
        `The OIDC token names no directory user (claim ${options.emailClaim}) and no role this helpdesk maps (claim ${options.roleClaim})`,
      );
    return {
      id: `oidc-${subject}`,
      role,
      ...(typeof email === 'string' && email.includes('@') ? { email } : {}),
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
    };
  }
}
