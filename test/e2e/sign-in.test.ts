// Sign-in over HTTP against real servers: a gateway process this file starts as production
// (NODE_ENV=production: dev tokens refused) with a short lockout window, short magic links and an
// OIDC issuer, the real OpenID Provider (oidc-provider) this file starts too; magic links go out
// through the shared stack's worker and notifier into its mail sink. The first admin is made by
// `npm run admin`'s script, as an operator would.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, stack, token } from '../support/api';
import { sentTo, waitForMail } from '../support/mail';
import { OIDC_AUDIENCE, startTestIssuer } from '../support/oidc';
import type { TestIssuer } from '../support/oidc';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';
import { ROOT } from '../support/stack-config';

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const address = (name: string) => `signin-${name}-${run}@example.com`;
const PASSWORD = 'correct horse battery staple';
const ADMIN = address('admin');
const AGENT = address('agent');
const LOCKOUT_SECONDS = 3;
const MAGIC_LINK_SECONDS = 15;

interface Tokens {
  tokenType: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
  user: { id: string; name: string; email: string; role: string };
}
interface Problem {
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

let issuer: TestIssuer;
let gw: PrivateServices;
const call = <T = Record<string, unknown>>(method: string, p: string, opts: Parameters<typeof api>[2] = {}) =>
  api<T>(method, p, { ...opts, base: gw.gateway });
const login = (email: string, password: string) =>
  call<Tokens & Problem>('POST', '/v1/auth/login', { body: { email, password } });
const me = (bearer: string) =>
  call<{ id: string; role: string; email?: string } & Problem>('GET', '/v1/auth/me', { token: bearer });
let adminToken = '';

beforeAll(async () => {
  issuer = await startTestIssuer([
    { id: 'agent-app', claims: { email: AGENT } },
    { id: 'billing-bot', claims: { roles: ['helpdesk-bots', 'unrelated'] } },
    { id: 'short-lived', claims: { roles: ['helpdesk-bots'] }, ttlSeconds: 1 },
    { id: 'nobody', claims: {} },
  ]);
  // The first admin, as README's "Sign-in" says to make one.
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'admin.js'), '--email', ADMIN], {
    env: { ...process.env, MONGO_URL: stack().mongo, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' },
  });
  gw = await startPrivateServices(['gateway'], {
    env: {
      NODE_ENV: 'production',
      // The shared stack's worker and notifier mail the links.
      TICKETS_TASK_QUEUE: 'tickets',
      AUTH_ACCESS_SECRET: `access-secret-${run}-0123456789abcdef`,
      AUTH_LOCKOUT_MAX_FAILURES: '3',
      AUTH_LOCKOUT_WINDOW_SECONDS: String(LOCKOUT_SECONDS),
      AUTH_MAGIC_LINK_TTL_MINUTES: String(MAGIC_LINK_SECONDS / 60),
      AUTH_MAGIC_LINK_URL: 'https://help.example.test/sign-in/magic',
      OIDC_ISSUER: issuer.issuer,
      OIDC_AUDIENCE,
      OIDC_ROLE_MAP: 'helpdesk-bots=service,helpdesk-admins=admin',
    },
  });
  const signedIn = await login(ADMIN.toUpperCase(), PASSWORD);
  expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
  adminToken = signedIn.body.accessToken;
  const agent = await call('POST', '/v1/users', {
    token: adminToken,
    body: { name: 'Sign-in Agent', email: AGENT, role: 'agent' },
  });
  expect(agent.status, JSON.stringify(agent.body)).toBe(201);
}, 90_000);

afterAll(async () => {
  await gw?.stop();
  await issuer?.stop();
});

async function newAgent(name: string): Promise<{ id: string; email: string }> {
  const email = address(name);
  const created = await call<{ id: string }>('POST', '/v1/users', {
    token: adminToken,
    body: { name, email, role: 'agent' },
  });
  expect(created.status).toBe(201);
  const set = await call('PUT', `/v1/users/${created.body.id}/password`, {
    token: adminToken,
    body: { password: PASSWORD },
  });
  expect(set.status).toBe(204);
  return { id: created.body.id, email };
}

describe('passwords, access tokens, lockout', () => {
  it('dev tokens are refused in production; the development stack still takes them', async () => {
    const refused = await call<Problem>('GET', '/v1/users', { token: token('admin', 'root') });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('Dev tokens');
    expect((await api('GET', '/v1/users', { token: token('admin', 'root') })).status).toBe(200);
  });

  it('signs an admin in (any case of email) to a short-lived token that works', async () => {
    const res = await login(ADMIN.toUpperCase(), PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email: ADMIN, role: 'admin' } });
    expect(res.body.refreshToken).toMatch(/^rt_/);
    const who = await me(res.body.accessToken);
    expect(who.body).toMatchObject({ id: res.body.user.id, role: 'admin', email: ADMIN });
    // The gateway's own token is not a dev token: the development stack (another key) refuses it.
    expect((await api('GET', '/v1/users', { token: res.body.accessToken })).status).toBe(401);
  });

  it('sets passwords by the strength rule: admins for staff, a user their own with the current one', async () => {
    const users = await call<{ items: { id: string; email: string }[] }>('GET', `/v1/users?role=agent&limit=500`, {
      token: adminToken,
    });
    const agentId = users.body.items.find((u) => u.email === AGENT)?.id ?? '';
    const weak = await call<Problem>('PUT', `/v1/users/${agentId}/password`, {
      token: adminToken,
      body: { password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors?.[0]?.field).toBe('body.password');
    const same = await call<Problem>('PUT', `/v1/users/${agentId}/password`, {
      token: adminToken,
      body: { password: 'aaaaaaaaaaaaaaaa' },
    });
    expect(same.body.errors?.[0]?.message).toContain('different characters');
    expect(
      (await call('PUT', `/v1/users/${agentId}/password`, { token: adminToken, body: { password: PASSWORD } })).status,
    ).toBe(204);

    const agent = await login(AGENT, PASSWORD);
    expect(agent.status).toBe(200);
    expect(agent.body.user.role).toBe('agent');
    const own = (body: unknown) =>
      call<Problem>('PUT', `/v1/users/${agentId}/password`, { token: agent.body.accessToken, body });
    expect((await own({ password: 'another long passphrase' })).body.errors?.[0]?.field).toBe('body.currentPassword');
    expect((await own({ password: 'another long passphrase', currentPassword: 'wrong one' })).status).toBe(403);
    expect((await own({ password: 'another long passphrase', currentPassword: PASSWORD })).status).toBe(204);
    // The new password ended the sessions of the old one.
    expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: agent.body.refreshToken } })).status).toBe(
      401,
    );
    expect((await login(AGENT, 'another long passphrase')).status).toBe(200);
    // Another agent's password is not theirs to set.
    const other = await call<Problem>('PUT', '/v1/users/root/password', {
      token: agent.body.accessToken,
      body: { password: PASSWORD },
    });
    expect(other.status).toBe(403);
    expect(
      (await call('PUT', `/v1/users/${agentId}/password`, { token: adminToken, body: { password: PASSWORD } })).status,
    ).toBe(204);
  });

  it('answers a wrong password, an unknown email and a requester alike', async () => {
    const wrong = await login(AGENT, 'not the password at all');
    const unknown = await login(address('nobody'), PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    const bad = await call<Problem>('POST', '/v1/auth/login', { body: { email: 'not-an-email', password: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['body.email', 'body.password']);
  });

  it('locks an email after 3 failures (423 with Retry-After, even for the right password), then lets it in after the window', async () => {
    const agent = await newAgent('lockout');
    expect((await login(agent.email, 'wrong password 1')).status).toBe(401);
    expect((await login(agent.email, 'wrong password 2')).status).toBe(401);
    const third = await login(agent.email, 'wrong password 3');
    expect(third.status).toBe(423);
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
    const locked = await login(agent.email, PASSWORD);
    expect(locked.status).toBe(423);
    // Unknown emails lock the same way: a lockout tells nothing about which accounts exist.
    const ghost = address('ghost');
    for (let i = 0; i < 3; i++) await login(ghost, 'guess');
    expect((await login(ghost, 'guess')).status).toBe(423);

    await new Promise((r) => setTimeout(r, (retryAfter + 0.5) * 1000));
    const after = await login(agent.email, PASSWORD);
    expect(after.status).toBe(200);
  }, 30_000);

  it("deactivating a user ends their sessions: their refresh token is revoked, and they can't sign in", async () => {
    const leaver = await newAgent('Leaver');
    const session = await login(leaver.email, PASSWORD);
    expect(session.status).toBe(200);
    const off = await call('POST', `/v1/users/${leaver.id}/deactivate`, { token: adminToken });
    expect(off.status).toBe(200);
    expect((await login(leaver.email, PASSWORD)).status).toBe(401);
    // Revoked, not only refused while inactive: taken back on, they sign in afresh.
    const back = await call('PATCH', `/v1/users/${leaver.id}`, { token: adminToken, body: { active: true } });
    expect(back.status).toBe(200);
    const refreshed = await call('POST', '/v1/auth/refresh', { body: { refreshToken: session.body.refreshToken } });
    expect(refreshed.status).toBe(401);
    expect((await login(leaver.email, PASSWORD)).status).toBe(200);
  });

  it('rotates refresh tokens; a spent one used again ends the whole session', async () => {
    const first = await login(AGENT, PASSWORD);
    const r1 = first.body.refreshToken;
    const second = await call<Tokens>('POST', '/v1/auth/refresh', { body: { refreshToken: r1 } });
    expect(second.status).toBe(200);
    const r2 = second.body.refreshToken;
    expect(r2).not.toBe(r1);
    expect((await me(second.body.accessToken)).body.role).toBe('agent');

    const replay = await call<Problem>('POST', '/v1/auth/refresh', { body: { refreshToken: r1 } });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toContain('already used');
    const afterTheft = await call<Problem>('POST', '/v1/auth/refresh', { body: { refreshToken: r2 } });
    expect(afterTheft.status).toBe(401);
    expect(afterTheft.body.detail).toContain('session has ended');
    // Another sign-in is another session, untouched.
    const other = await login(AGENT, PASSWORD);
    expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(
      200,
    );
    expect((await call('POST', '/v1/auth/refresh', { body: { refreshToken: 'rt_forged' } })).status).toBe(401);
  });

  it('signs out: the refresh token is revoked', async () => {
    const session = await login(AGENT, PASSWORD);
    const out = await call('POST', '/v1/auth/logout', { body: { refreshToken: session.body.refreshToken } });
    expect(out.status).toBe(204);
    const refresh = await call<Problem>('POST', '/v1/auth/refresh', {
      body: { refreshToken: session.body.refreshToken },
    });
    expect(refresh.status).toBe(401);
  });
});

describe('API keys', () => {
  it('creates a key shown once, authenticates with its role, lists it without secrets, revokes it', async () => {
    const created = await call<{ id: string; key: string; role: string }>('POST', '/v1/api-keys', {
      token: adminToken,
      body: { name: 'billing-sync' },
    });
    expect(created.status).toBe(201);
    expect(created.body.role).toBe('service');
    expect(created.body.key).toMatch(new RegExp(`^hk_${created.body.id}_`));

    const asBearer = await me(created.body.key);
    expect(asBearer.body).toMatchObject({ id: `apikey-${created.body.id}`, role: 'service' });
    const asHeader = await call<{ role: string }>('GET', '/v1/auth/me', { headers: { 'x-api-key': created.body.key } });
    expect(asHeader.body.role).toBe('service');
    // A service reads the directory.
    expect((await call('GET', '/v1/users', { token: created.body.key })).status).toBe(200);

    const list = await call<{ items: Record<string, unknown>[] }>('GET', '/v1/api-keys', { token: adminToken });
    const listed = list.body.items.find((k) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'billing-sync', role: 'service' });
    expect(listed?.lastUsedAt).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.key.slice(20));

    const revoked = await call<{ revokedAt?: string }>('DELETE', `/v1/api-keys/${created.body.id}`, {
      token: adminToken,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeDefined();
    const after = await me(created.body.key);
    expect(after.status).toBe(401);
    expect(after.body.detail).toContain('revoked');
    expect((await call('DELETE', '/v1/api-keys/0123456789abcdef', { token: adminToken })).status).toBe(404);
  });

  it('scopes a key to its role: a requester key cannot do what agents do; only admins manage keys', async () => {
    const created = await call<{ key: string }>('POST', '/v1/api-keys', {
      token: adminToken,
      body: { name: 'portal', role: 'requester' },
    });
    const key = created.body.key;
    expect((await me(key)).body.role).toBe('requester');
    expect((await call('GET', '/v1/users', { token: key })).status).toBe(403);
    expect((await call('POST', '/v1/api-keys', { token: key, body: { name: 'escalate', role: 'admin' } })).status).toBe(
      403,
    );
    const agent = await login(AGENT, PASSWORD);
    expect((await call('GET', '/v1/api-keys', { token: agent.body.accessToken })).status).toBe(403);
    const forged = `${key.slice(0, 20)}${'A'.repeat(key.length - 20)}`;
    expect((await me(forged)).status).toBe(401);
    const bad = await call<Problem>('POST', '/v1/api-keys', { token: adminToken, body: { name: '', role: 'root' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['body.name', 'body.role']);
  });
});

/** The token of the newest sign-in link mailed to `email`. */
async function linkToken(email: string, count = 1): Promise<string> {
  const mails = await waitForMail(email, 'Your sign-in link', count);
  const newest = mails[mails.length - 1];
  const match = /https:\/\/help\.example\.test\/sign-in\/magic\?token=([^\s"&<]+)/.exec(newest?.text ?? '');
  expect(match, newest?.text).toBeTruthy();
  return decodeURIComponent(match?.[1] ?? '');
}

describe('magic links', () => {
  it('mails a requester a link that signs them in once; staff get none; every answer is 202', async () => {
    const requester = address('requester');
    const made = await call<{ id: string }>('POST', '/v1/users', {
      token: adminToken,
      body: { name: 'Rita', email: requester, role: 'requester' },
    });
    expect(made.status).toBe(201);
    const forStaff = await call('POST', '/v1/auth/magic-link', { body: { email: AGENT } });
    expect(forStaff.status).toBe(202);
    const asked = await call('POST', '/v1/auth/magic-link', { body: { email: requester } });
    expect(asked.status).toBe(202);
    const linkToken1 = await linkToken(requester);

    const used = await call<Tokens>('POST', '/v1/auth/magic-link/verify', { body: { token: linkToken1 } });
    expect(used.status).toBe(200);
    expect(used.body.user).toMatchObject({ id: made.body.id, role: 'requester', email: requester });
    expect((await me(used.body.accessToken)).body).toMatchObject({ id: made.body.id, role: 'requester' });
    expect((await call('GET', '/v1/users', { token: used.body.accessToken })).status).toBe(403);

    const again = await call<Problem>('POST', '/v1/auth/magic-link/verify', { body: { token: linkToken1 } });
    expect(again.status).toBe(401);
    expect(again.body.detail).toContain('used already');
    const forged = await call<Problem>('POST', '/v1/auth/magic-link/verify', {
      body: { token: `${linkToken1.slice(0, -4)}AAAA` },
    });
    expect(forged.body.detail).toContain('not valid');
    // The agent's request, made first, mailed nothing.
    expect(await sentTo(AGENT, 'Your sign-in link')).toEqual([]);
  }, 60_000);

  it('a link for an unknown address (unknown senders may open tickets) makes the requester when used', async () => {
    const stranger = address('stranger');
    expect((await call('POST', '/v1/auth/magic-link', { body: { email: stranger } })).status).toBe(202);
    const used = await call<Tokens>('POST', '/v1/auth/magic-link/verify', {
      body: { token: await linkToken(stranger) },
    });
    expect(used.status).toBe(200);
    expect(used.body.user).toMatchObject({ role: 'requester', email: stranger });
  }, 60_000);

  it('mails one address no more links than the lockout count within its window', async () => {
    const target = address('flooded');
    for (let i = 0; i < 5; i++)
      expect((await call('POST', '/v1/auth/magic-link', { body: { email: target } })).status).toBe(202);
    await waitForMail(target, 'Your sign-in link', 3);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await sentTo(target, 'Your sign-in link')).toHaveLength(3);
  }, 60_000);

  it('a link expires', async () => {
    const requester = address('late');
    const asked = Date.now();
    await call('POST', '/v1/auth/magic-link', { body: { email: requester } });
    const late = await linkToken(requester);
    await new Promise((r) => setTimeout(r, Math.max(0, asked + MAGIC_LINK_SECONDS * 1000 + 500 - Date.now())));
    const res = await call<Problem>('POST', '/v1/auth/magic-link/verify', { body: { token: late } });
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('expired');
  }, 60_000);
});

describe('OIDC, against the OpenID Provider this file starts', () => {
  it('accepts a token whose email is a directory user, as that user with their directory role', async () => {
    const who = await me(await issuer.token('agent-app'));
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ role: 'agent', email: AGENT });
    expect(who.body.id).not.toContain('oidc-');
  });

  it('accepts a machine token by its mapped role claim', async () => {
    const who = await me(await issuer.token('billing-bot'));
    expect(who.body).toMatchObject({ id: 'oidc-billing-bot', role: 'service' });
    expect((await call('GET', '/v1/users', { token: await issuer.token('billing-bot') })).status).toBe(200);
  });

  it('refuses a token for another audience, an expired one, one signed with an unpublished key, and one naming nobody', async () => {
    const otherAudience = await me(await issuer.token('billing-bot', 'https://other.example.test'));
    expect(otherAudience.status).toBe(401);
    expect(otherAudience.body.detail).toContain('aud');

    const short = await issuer.token('short-lived');
    await new Promise((r) => setTimeout(r, 2_100));
    const expired = await me(short);
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toContain('expired');

    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ roles: ['helpdesk-admins'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'not-published' })
      .setIssuer(issuer.issuer)
      .setAudience(OIDC_AUDIENCE)
      .setSubject('forger')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const unknownKey = await me(forged);
    expect(unknownKey.status).toBe(401);
    expect(unknownKey.body.detail).toContain('key');

    const nobody = await me(await issuer.token('nobody'));
    expect(nobody.status).toBe(401);
    expect(nobody.body.detail).toContain('no directory user');
  }, 20_000);
});

describe('the OpenAPI document', () => {
  it('documents sign-in as public and the key routes behind a token', async () => {
    const doc = await call<{ paths: Record<string, Record<string, { security: unknown[]; tags: string[] }>> }>(
      'GET',
      '/openapi.json',
    );
    expect(doc.body.paths['/v1/auth/login']?.post?.security).toEqual([]);
    expect(doc.body.paths['/v1/auth/login']?.post?.tags).toEqual(['auth']);
    expect(doc.body.paths['/v1/api-keys']?.post?.security).toEqual([{ bearer: [] }]);
    expect(doc.body.paths['/v1/users/{id}/password']?.put).toBeDefined();
  });
});
