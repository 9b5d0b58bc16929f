// A real OpenID Provider for the sign-in tests: panva's oidc-provider on a free port, issuing JWT
// access tokens by the client credentials grant with resource indicators (no browser needed).
// Each client says who its tokens speak for through extra claims.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';

export const OIDC_AUDIENCE = 'https://api.helpdesk.test';

export interface OidcClientSpec {
  id: string;
  /** Claims added to its access tokens (an email, roles). */
  claims: Record<string, unknown>;
  /** Access token lifetime in seconds (default 300). */
  ttlSeconds?: number;
}

export interface TestIssuer {
  issuer: string;
  /** An access token for the client, for `resource` (default: the helpdesk's audience). */
  token(clientId: string, resource?: string): Promise<string>;
  /** The provider's signing key, for tests that need to know it (kid). */
  signingKid: string;
  stop(): Promise<void>;
}

const SECRET = 'test-client-secret-of-enough-length';

export async function startTestIssuer(clients: OidcClientSpec[]): Promise<TestIssuer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKid = `test-${Date.now()}`;
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: signingKid, alg: 'RS256', use: 'sig' };
  const byId = new Map(clients.map((c) => [c.id, c]));
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'api',
    })),
    scopes: ['api'],
    jwks: { keys: [jwk] },
    // The resource server's lifetime (per client here) is the token's.
    ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => OIDC_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => ({
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: byId.get(client.clientId)?.ttlSeconds ?? 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: (_ctx, token) => byId.get(String(token.clientId))?.claims ?? {},
  });
  server.on('request', provider.callback());
  return {
    issuer,
    signingKid,
    async token(clientId, resource = OIDC_AUDIENCE) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${SECRET}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token for ${clientId}: ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
