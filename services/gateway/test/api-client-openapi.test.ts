// The web apps' API client (packages/api-client) is typed from a committed copy of this document:
// it must be what the gateway builds now, or the apps are checked against an API that is not there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/app'; // every route file declares its operations when it is loaded
import { buildOpenApi } from '../src/openapi';

const COPY = join(__dirname, '..', '..', '..', 'packages', 'api-client', 'openapi.json');

describe('packages/api-client/openapi.json', () => {
  it('is the document the gateway serves at /openapi.json', () => {
    const committed: unknown = JSON.parse(readFileSync(COPY, 'utf8'));
    const built: unknown = JSON.parse(JSON.stringify(buildOpenApi()));
    expect(
      committed,
      'packages/api-client/openapi.json is stale: run `npx turbo run build --filter=@helpdesk/gateway && npm run openapi -w @helpdesk/api-client` and commit it',
    ).toEqual(built);
  });
});
