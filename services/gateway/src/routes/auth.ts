// Sign-in. Public (before the bearer check): password sign-in for agents and admins with lockout,
// refresh-token rotation, sign-out, and magic links for requesters. Behind it: passwords
// (PUT /v1/users/:id/password) and API keys for services (/v1/api-keys).
import { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { ROLES, zMailAddress } from '@helpdesk/contracts';
import type { DirectoryUser, MagicLinkMail } from '@helpdesk/contracts';
import type { ApiKey, Store } from '@helpdesk/persistence';
import { actorOf } from '../auth';
import type { Authenticator } from '../auth';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';

/** The workflow (on the ticket worker) that has the notifier mint and mail a magic link. */
export const ACCOUNT_MAIL_WORKFLOW = 'accountMailWorkflow';

const zEmail = z.email().max(320);
const zPassword = z.string().min(1).max(1_000);

/** The strength rule: long enough (a passphrase), not the email, not one character repeated. */
export const zNewPassword = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters')
  .refine((p) => new Set(p).size >= 5, 'must use at least 5 different characters');

const ZLoginSchema = z.strictObject({ email: zEmail, password: zPassword });
const ZRefreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(200) });
const ZMagicLinkRequestSchema = z.strictObject({ email: zMailAddress });
const ZMagicLinkVerifySchema = z.strictObject({ token: z.string().min(1).max(200) });
const ZSetPasswordSchema = z.strictObject({
  password: zNewPassword,
  currentPassword: zPassword
    .optional()
    .describe('Required when changing your own password (admins setting another user’s: not)'),
});
const ZCreateApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES).default('service').describe('The role requests with this key act with'),
});

const ZSignedInUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
});
const ZTokensSchema = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string().describe('A short-lived bearer token for /v1'),
    expiresIn: z.number().int().describe('Seconds the access token is valid'),
    refreshToken: z.string().describe('Trade it at /v1/auth/refresh for new tokens; single use'),
    refreshExpiresAt: z.iso.datetime(),
    user: ZSignedInUserSchema,
  })
  .meta({ id: 'Tokens' });
const ZActorSchema = z
  .object({ id: z.string(), role: z.enum(ROLES), name: z.string().optional(), email: z.string().optional() })
  .meta({ id: 'Principal' });
const ZAcceptedSchema = z.object({ accepted: z.literal(true), detail: z.string() }).meta({ id: 'Accepted' });
const ZApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().optional(),
    revokedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'ApiKey' });
const ZNewApiKeySchema = ZApiKeySchema.extend({
  key: z.string().describe('The key itself, shown this once: send it as `Authorization: Bearer hk_…` or `X-Api-Key`'),
}).meta({ id: 'NewApiKey' });
const ZApiKeyListSchema = z.object({ items: z.array(ZApiKeySchema) }).meta({ id: 'ApiKeyList' });

const REFRESH_EXAMPLE = 'rt_0123456789abcdef_' + 'x'.repeat(43);

document({
  method: 'post',
  path: '/v1/auth/login',
  summary: 'Sign in with email and password (agents and admins); locked for a while after repeated failures',
  tag: 'auth',
  roles: 'anyone (no token)',
  public: true,
  body: ZLoginSchema,
  example: { email: 'alice@example.com', password: 'correct horse battery staple' },
  responses: { 200: ZTokensSchema },
  problems: [423],
});
document({
  method: 'post',
  path: '/v1/auth/refresh',
  summary: 'Trade a refresh token for new tokens (the old one is spent; spending it twice ends the session)',
  tag: 'auth',
  roles: 'anyone (no token)',
  public: true,
  body: ZRefreshSchema,
  example: { refreshToken: REFRESH_EXAMPLE },
  responses: { 200: ZTokensSchema },
});
document({
  method: 'post',
  path: '/v1/auth/logout',
  summary: "Sign out: the refresh token's session ends (its access tokens lapse within minutes)",
  tag: 'auth',
  roles: 'anyone (no token)',
  public: true,
  body: ZRefreshSchema,
  example: { refreshToken: REFRESH_EXAMPLE },
  responses: { 204: undefined },
});
document({
  method: 'post',
  path: '/v1/auth/magic-link',
  summary: 'Mail a requester a single-use sign-in link (always 202: says nothing about which addresses are known)',
  tag: 'auth',
  roles: 'anyone (no token)',
  public: true,
  body: ZMagicLinkRequestSchema,
  example: { email: 'rita@example.com' },
  responses: { 202: ZAcceptedSchema },
});
document({
  method: 'post',
  path: '/v1/auth/magic-link/verify',
  summary: "Sign in with a magic link's token",
  tag: 'auth',
  roles: 'anyone (no token)',
  public: true,
  body: ZMagicLinkVerifySchema,
  example: { token: 'ml_0123456789abcdef_' + 'x'.repeat(43) },
  responses: { 200: ZTokensSchema },
});
document({
  method: 'get',
  path: '/v1/auth/me',
  summary: 'Who this token, key or OIDC token speaks for, and with which role',
  tag: 'auth',
  roles: 'anyone signed in',
  responses: { 200: ZActorSchema },
});
document({
  method: 'put',
  path: '/v1/users/:id/password',
  summary: 'Set a password (admins for anyone on staff; a user their own, with the current one); ends their sessions',
  tag: 'auth',
  roles: 'admin; agents and admins their own',
  body: ZSetPasswordSchema,
  example: { password: 'correct horse battery staple', currentPassword: 'the old one, when it is yours' },
  responses: { 204: undefined },
  problems: [403, 404],
});
document({
  method: 'post',
  path: '/v1/api-keys',
  summary: 'Create an API key for a service (the key is in this answer only)',
  tag: 'auth',
  roles: 'admin',
  body: ZCreateApiKeySchema,
  example: { name: 'billing-sync', role: 'service' },
  responses: { 201: ZNewApiKeySchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/api-keys',
  summary: 'List API keys (never their secrets)',
  tag: 'auth',
  roles: 'admin',
  responses: { 200: ZApiKeyListSchema },
  problems: [403],
});
document({
  method: 'delete',
  path: '/v1/api-keys/:id',
  summary: 'Revoke an API key, at once and for good',
  tag: 'auth',
  roles: 'admin',
  responses: { 200: ZApiKeySchema },
  problems: [403, 404],
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const presentKey = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  createdBy: k.createdBy,
  createdAt: iso(k.createdAt),
  ...(k.lastUsedAt !== undefined ? { lastUsedAt: iso(k.lastUsedAt) } : {}),
  ...(k.revokedAt !== undefined ? { revokedAt: iso(k.revokedAt) } : {}),
});

const WRONG_CREDENTIALS = 'The email or the password is wrong';
const STAFF = new Set(['admin', 'agent']);

async function tokensFor(
  store: Store,
  authn: Authenticator,
  user: DirectoryUser,
  refresh?: { token: string; expiresAt: number },
) {
  const issued = refresh ?? (await store.credentials.issueRefreshToken(user.id, authn.options.refreshTtlMs));
  return {
    tokenType: 'Bearer' as const,
    ...authn.issueAccessToken(user),
    refreshToken: issued.token,
    refreshExpiresAt: new Date(issued.expiresAt).toISOString(),
    user: { id: user.id, name: user.name, email: user.email, role: user.role },
  };
}

function lockedError(until: number): AppError {
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  return new AppError(
    423,
    'locked',
    `Too many failed sign-ins for this email: try again in ${seconds}s`,
    { hint: 'Wait for Retry-After seconds, or ask an admin to set a new password' },
    seconds,
  );
}

/** The routes that take no bearer token: mounted before authentication. */
export function authPublicRoutes(store: Store, authn: Authenticator, client: Client, taskQueue: string): Router {
  const router = Router();
  const { credentials, directory } = store;

  router.post('/login', async (req, res) => {
    const { email, password } = parse(ZLoginSchema, req.body);
    const locked = await credentials.lockedUntil(email);
    if (locked !== undefined) throw lockedError(locked);
    const user = await directory.userByEmail(email);
    // Requesters and deactivated users have no password sign-in: the same answer as a wrong password.
    const eligible = user && user.active && STAFF.has(user.role) ? user : undefined;
    if (!(await credentials.verifyPassword(eligible?.id, password)) || !eligible) {
      const nowLocked = await credentials.recordFailure(email, authn.options.lockout);
      if (nowLocked !== undefined) throw lockedError(nowLocked);
      throw new UnauthorizedError(WRONG_CREDENTIALS);
    }
    await credentials.clearFailures(email);
    res.json(await tokensFor(store, authn, eligible));
  });

  router.post('/refresh', async (req, res) => {
    const { refreshToken } = parse(ZRefreshSchema, req.body);
    const outcome = await credentials.rotateRefreshToken(refreshToken, authn.options.refreshTtlMs);
    if (!outcome.ok) {
      throw new UnauthorizedError(
        {
          invalid: 'The refresh token is not valid',
          expired: 'The refresh token has expired: sign in again',
          revoked: 'The session has ended: sign in again',
          reused: 'The refresh token was already used: the session is ended, sign in again',
        }[outcome.reason],
      );
    }
    const user = await directory.user(outcome.userId);
    if (!user?.active) {
      await credentials.revokeFamily(outcome.family);
      throw new UnauthorizedError('The user is deactivated');
    }
    res.json(await tokensFor(store, authn, user, outcome));
  });

  router.post('/logout', async (req, res) => {
    const { refreshToken } = parse(ZRefreshSchema, req.body);
    const session = await credentials.refreshFamily(refreshToken);
    if (session) await credentials.revokeFamily(session.family);
    // Nothing to say about a token that is not one: signed out either way.
    res.status(204).end();
  });

  router.post('/magic-link', async (req, res) => {
    const { email } = parse(ZMagicLinkRequestSchema, req.body);
    const user = await directory.userByEmail(email);
    // Known active requesters; an unknown address only where unknown senders may open tickets
    // (the requester is then made when the link is used, not for every address typed here).
    const eligible = user
      ? user.active && user.role === 'requester'
      : (await store.getSettings()).collectorAllowUnknownSenders;
    // No mail bombing: past the lockout's count of requests in its window, an address gets no
    // more links until the window is over (the answer stays the same).
    const throttleKey = `magic-link:${email}`;
    const throttled = (await credentials.lockedUntil(throttleKey)) !== undefined;
    if (!throttled) await credentials.recordFailure(throttleKey, authn.options.lockout);
    if (eligible && !throttled) {
      const link = await credentials.createMagicLink(email, authn.options.magicLinkTtlMs);
      const mail: MagicLinkMail = { linkId: link.id, url: authn.options.magicLinkUrl };
      // Durable: once started, the worker and the notifier see it through restarts. The secret
      // is minted by the notifier, so it is in no workflow history.
      await client.workflow.start(ACCOUNT_MAIL_WORKFLOW, {
        taskQueue,
        workflowId: `magic-link-${link.id}`,
        args: [mail],
      });
    }
    res.status(202).json({ accepted: true, detail: 'If this address may sign in by link, a link is on its way' });
  });

  router.post('/magic-link/verify', async (req, res) => {
    const { token } = parse(ZMagicLinkVerifySchema, req.body);
    const outcome = await credentials.useMagicLink(token);
    if (!outcome.ok)
      throw new UnauthorizedError(
        {
          invalid: 'The sign-in link is not valid',
          expired: 'The sign-in link has expired: ask for a new one',
          used: 'The sign-in link was used already: ask for a new one',
        }[outcome.reason],
      );
    const user = await directory.ensureRequester({ email: outcome.email });
    if (!user.active || user.role !== 'requester') throw new UnauthorizedError('This account does not sign in by link');
    res.json(await tokensFor(store, authn, user));
  });

  return router;
}

/** Passwords and API keys: behind authentication, mounted under /v1. */
export function authRoutes(store: Store): Router {
  const router = Router();
  const { credentials, directory } = store;
  const adminOnly = (res: Response, what: string) => {
    if (actorOf(res).role !== 'admin') throw new ForbiddenError(`Only admins ${what}`);
  };

  router.get('/auth/me', (_req, res) => {
    const { id, role, name, email } = actorOf(res);
    res.json({ id, role, ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email } : {}) });
  });

  router.put('/users/:id/password', async (req, res) => {
    const actor = actorOf(res);
    const id = req.params.id;
    const self = actor.id === id && (actor.role === 'admin' || actor.role === 'agent');
    if (actor.role !== 'admin' && !self) throw new ForbiddenError("Only admins set another user's password");
    const body = parse(ZSetPasswordSchema, req.body);
    const user = await directory.user(id);
    if (!user) throw new NotFoundError(`User ${id}`);
    if (!STAFF.has(user.role))
      throw new ValidationError([
        { field: 'params.id', message: 'is a requester: requesters sign in by magic link, not by password' },
      ]);
    if (body.password.toLowerCase() === user.email)
      throw new ValidationError([{ field: 'body.password', message: 'must not be the email' }]);
    if (self && (await credentials.hasPassword(id))) {
      if (body.currentPassword === undefined)
        throw new ValidationError([
          { field: 'body.currentPassword', message: 'is required to change your own password' },
        ]);
      if (!(await credentials.verifyPassword(id, body.currentPassword)))
        throw new ForbiddenError('The current password is wrong');
    }
    await credentials.setPassword(id, body.password);
    // A new password ends every session of the old one.
    await credentials.revokeUserSessions(id);
    res.status(204).end();
  });

  router.post('/api-keys', async (req, res) => {
    adminOnly(res, 'create API keys');
    const { name, role } = parse(ZCreateApiKeySchema, req.body);
    const { key, apiKey } = await credentials.createApiKey({ name, role, createdBy: actorOf(res).id });
    res
      .status(201)
      .location(`/v1/api-keys/${apiKey.id}`)
      .json({ ...presentKey(apiKey), key });
  });

  router.get('/api-keys', async (_req, res) => {
    adminOnly(res, 'list API keys');
    res.json({ items: (await credentials.listApiKeys()).map(presentKey) });
  });

  router.delete('/api-keys/:id', async (req, res) => {
    adminOnly(res, 'revoke API keys');
    const revoked = await credentials.revokeApiKey(req.params.id);
    if (!revoked) throw new NotFoundError(`API key ${req.params.id}`);
    res.json(presentKey(revoked));
  });

  return router;
}
