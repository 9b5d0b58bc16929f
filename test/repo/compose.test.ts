// docker-compose.yml can't run here (no Docker engine), so check what can be checked: it parses,
// it names every service of the production topology, and the helpdesk services get every
// environment variable their configuration needs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');

interface ComposeService {
  restart?: string;
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml', () => {
  it('names the production topology', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'gateway',
        'mongo',
        'notifier',
        'postgresql',
        'temporal',
        'temporal-admin-tools',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });

  it('restarts every long-running service that dies (not the one-shot admin tools)', () => {
    const longRunning = Object.keys(compose.services).filter((name) => name !== 'temporal-admin-tools');
    expect(longRunning.filter((name) => compose.services[name]?.restart !== 'unless-stopped')).toEqual([]);
    expect(compose.services['temporal-admin-tools']?.restart).toBeUndefined();
  });

  it.each(['worker', 'notifier', 'gateway'])('builds %s from the repo Dockerfile with its environment', (name) => {
    const svc = compose.services[name];
    expect(svc?.build?.context).toBe('.');
    expect(svc?.build?.args?.SERVICE).toBe(name);
    for (const key of ['TEMPORAL_ADDRESS', 'MONGO_URL', 'SMTP_URL', 'AUTH_JWT_SECRET', 'TICKETS_TASK_QUEUE']) {
      expect(svc?.environment, `${name}.${key}`).toHaveProperty(key);
    }
    expect(String(svc?.environment?.MONGO_URL)).toMatch(/^mongodb:\/\/mongo:/);
  });

  it('publishes the gateway port and the Temporal UI', () => {
    expect(compose.services.gateway?.environment?.PORT).toBe(3000);
    expect(compose.services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('registers every search attribute the workflow uses', async () => {
    const { SEARCH_ATTRIBUTE_FLAGS } = await import('@helpdesk/contracts');
    const setup = JSON.stringify(compose.services['temporal-admin-tools']);
    for (const flag of SEARCH_ATTRIBUTE_FLAGS) expect(setup).toContain(flag.split('=')[0]);
  });
});
