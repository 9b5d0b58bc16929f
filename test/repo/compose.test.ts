// docker-compose.yml can't run here (no Docker engine), so check what can be checked without one:
// the file against the parts of the Compose format it uses, every service's environment against
// packages/config, health checks, state on named volumes, restart policies, the start-up order, and
// that its Temporal is the dev stack's production-like one (TEMPORAL=postgres): the same server
// version, PostgreSQL major, schema names, history shards, dynamic config file, namespace and search
// attributes. And that the Dockerfile builds what it runs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@helpdesk/config';
import { SEARCH_ATTRIBUTE_FLAGS } from '@helpdesk/contracts';
import { findPostgres, TEMPORAL_SERVER_VERSION } from '../../packages/dev-stack/src/binaries';
import { DYNAMIC_CONFIG_FILE, selectedShardCount } from '../../packages/dev-stack/src/temporal-server';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

type Env = Record<string, string | number | boolean | null>;

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  restart?: string;
  depends_on?: Record<string, { condition: string; restart?: boolean; required?: boolean }>;
  environment?: Env;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  volumes?: string[];
  ports?: string[];
  entrypoint?: string[];
  command?: string[];
}

interface Compose {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = compose.services;
const service = (name: string): ComposeService => {
  const svc = services[name];
  if (!svc) throw new Error(`docker-compose.yml has no service ${name}`);
  return svc;
};

/** The parts of the Compose format this file may use; anything else is a typo or needs a look. */
const KNOWN = {
  top: ['name', 'services', 'volumes', 'networks', 'configs', 'secrets'],
  service: [
    'image',
    'build',
    'restart',
    'depends_on',
    'environment',
    'healthcheck',
    'volumes',
    'ports',
    'entrypoint',
    'command',
    'user',
    'working_dir',
    'stop_grace_period',
    'deploy',
    'labels',
  ],
  build: ['context', 'dockerfile', 'args'],
  dependsOn: ['condition', 'restart', 'required'],
  conditions: ['service_started', 'service_healthy', 'service_completed_successfully'],
  healthcheck: ['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable'],
  restart: ['no', 'always', 'on-failure', 'unless-stopped'],
};

/** The one-shot jobs (run to completion); every other service runs for good. */
const JOBS = ['temporal-schema', 'temporal-namespace'];
const HELPDESK = ['worker', 'notifier', 'gateway'];
const longRunning = () => Object.keys(services).filter((name) => !JOBS.includes(name));

/**
 * Compose's variable substitution: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `$VAR`, `$$`. An unset variable without a default is an error here.
 */
function interpolate(value: unknown, env: Record<string, string | undefined> = {}): string {
  return String(value).replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const current = env[name];
      const isSet = op?.startsWith(':') ? current !== undefined && current !== '' : current !== undefined;
      if (isSet) return current as string;
      if (op?.endsWith('-')) return arg ?? '';
      throw new Error(`${name} is unset${op?.endsWith('?') ? `: ${arg}` : ''}`);
    },
  );
}

/** The secrets an operator must give (`${VAR:?…}`), with placeholder values. */
const SECRETS = { AUTH_JWT_SECRET: 'a-production-secret-of-32-chars!', TEMPORAL_DB_PASSWORD: 'a-database-password' };

const environment = (name: string, env: Record<string, string | undefined> = SECRETS): Record<string, string> =>
  Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, interpolate(v, env)]));

/** A job's shell script (entrypoint `sh -euc`, the script as the command). */
const script = (name: string): string => {
  const svc = service(name);
  expect(svc.entrypoint, `${name}.entrypoint`).toEqual(['sh', '-euc']);
  expect(svc.command, `${name}.command`).toHaveLength(1);
  return String(svc.command?.[0]).replace(/\\\n\s*/g, ' ');
};

const imageTag = (name: string) => {
  const [image, tag] = String(service(name).image).split(':');
  return { image, tag: tag ?? 'latest' };
};

/** Every variable packages/config's schema declares. */
function configSchemaKeys(): string[] {
  const schema =
    /const ZConfigSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(read('packages/config/src/index.ts'))?.[1] ?? '';
  return [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);
}

/** The configuration keys a helpdesk service reads (`config.KEY` in its code). */
function configKeysRead(name: string): string[] {
  const keys = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(entry.name))
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bconfig\.([A-Z][A-Z0-9_]+)\b/g))
          keys.add(m[1] as string);
    }
  };
  walk(path.join(ROOT, 'services', name, 'src'));
  return [...keys];
}

/** The dev stack's databases and schema names, read from the code that applies them. */
const devStackDatabases = () =>
  [...read('packages/dev-stack/src/temporal-server.ts').matchAll(/\{ name: '([^']+)', schema: '([^']+)'/g)].map(
    (m) => ({ name: m[1], schema: m[2] }),
  );

describe('docker-compose.yml', () => {
  it('uses only the Compose keys it should, and every service has an image or a build', () => {
    const unknown: string[] = [];
    const check = (where: string, obj: object, known: string[]) => {
      for (const key of Object.keys(obj))
        if (!known.includes(key) && !key.startsWith('x-')) unknown.push(`${where}.${key}`);
    };
    check('(top)', compose, KNOWN.top);
    expect(compose.name).toBe('helpdesk');
    for (const [name, svc] of Object.entries(services)) {
      check(name, svc, KNOWN.service);
      expect(Boolean(svc.image) !== Boolean(svc.build), `${name}: an image or a build, not both`).toBe(true);
      if (svc.image) expect(imageTag(name).tag, `${name}: a pinned image tag`).toMatch(/^\d+(\.\d+)*$/);
      if (svc.build) check(`${name}.build`, svc.build, KNOWN.build);
      if (svc.healthcheck) check(`${name}.healthcheck`, svc.healthcheck, KNOWN.healthcheck);
      for (const [dep, spec] of Object.entries(svc.depends_on ?? {})) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        check(`${name}.depends_on.${dep}`, spec, KNOWN.dependsOn);
        expect(KNOWN.conditions, `${name}.depends_on.${dep}.condition`).toContain(spec.condition);
      }
      if (svc.restart !== undefined) expect(KNOWN.restart).toContain(svc.restart.split(':')[0]);
      expect(typeof (svc.environment ?? {}), `${name}.environment is a map`).toBe('object');
      expect(Array.isArray(svc.environment), `${name}.environment is a map`).toBe(false);
      for (const [key, value] of Object.entries(svc.environment ?? {}))
        expect(['string', 'number', 'boolean'], `${name}.environment.${key}`).toContain(typeof value);
      for (const port of svc.ports ?? []) expect(port, `${name}.ports`).toMatch(/^(127\.0\.0\.1:)?\d+:\d+$/);
    }
    expect(unknown).toEqual([]);
  });

  it('names the production topology', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'postgresql',
        'temporal-schema',
        'temporal',
        'temporal-namespace',
        'temporal-ui',
        'mongo',
        'worker',
        'notifier',
        'gateway',
      ].sort(),
    );
  });

  it('restarts every long-running service that dies, and runs each job once', () => {
    expect(longRunning().filter((name) => service(name).restart !== 'unless-stopped')).toEqual([]);
    for (const job of JOBS) expect(service(job).restart, job).toBe('no');
  });

  it('has a health check on every long-running service', () => {
    for (const name of longRunning()) {
      const hc = service(name).healthcheck;
      expect(hc, `${name}.healthcheck`).toBeDefined();
      expect(['CMD', 'CMD-SHELL'], `${name}.healthcheck.test`).toContain(hc?.test[0]);
      expect(hc?.retries, `${name}.healthcheck.retries`).toBeGreaterThan(0);
    }
    for (const job of JOBS) expect(service(job).healthcheck, job).toBeUndefined();
    // The helpdesk services run the image's own check for their name.
    for (const name of HELPDESK)
      expect(service(name).healthcheck?.test, name).toEqual(['CMD', 'node', 'deploy/healthcheck.js', name]);
  });

  it('starts in order: schema → server → namespace job → services, each on a condition', () => {
    const on = (name: string) =>
      Object.fromEntries(Object.entries(service(name).depends_on ?? {}).map(([dep, spec]) => [dep, spec.condition]));
    expect(on('temporal-schema')).toEqual({ postgresql: 'service_healthy' });
    expect(on('temporal')).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    expect(on('temporal-namespace')).toEqual({ temporal: 'service_healthy' });
    expect(on('temporal-ui')).toEqual({ temporal: 'service_healthy' });
    for (const name of HELPDESK)
      expect(on(name), name).toEqual({
        'temporal-namespace': 'service_completed_successfully',
        mongo: 'service_healthy',
      });
    // Every condition can be met: `healthy` on a health-checked service, `completed` on a job.
    for (const [name, svc] of Object.entries(services))
      for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
        if (condition === 'service_healthy') expect(service(dep).healthcheck, `${name} → ${dep}`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(JOBS, `${name} → ${dep}`).toContain(dep);
      }
    // And no cycle: a start order exists, with the schema before the server before the namespace
    // job before the services.
    const order: string[] = [];
    const visit = (name: string, path: string[] = []) => {
      if (order.includes(name)) return;
      if (path.includes(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
      for (const dep of Object.keys(service(name).depends_on ?? {})) visit(dep, [...path, name]);
      order.push(name);
    };
    for (const name of Object.keys(services)) visit(name);
    const at = (name: string) => order.indexOf(name);
    expect(at('postgresql')).toBeLessThan(at('temporal-schema'));
    expect(at('temporal-schema')).toBeLessThan(at('temporal'));
    expect(at('temporal')).toBeLessThan(at('temporal-namespace'));
    for (const name of HELPDESK) expect(at('temporal-namespace')).toBeLessThan(at(name));
  });

  it('keeps state on named volumes (PostgreSQL, MongoDB), and mounts only files that exist', () => {
    const mount = (name: string, target: string) =>
      (service(name).volumes ?? []).map((v) => v.split(':')).find(([, t]) => t === target)?.[0];
    const declared = Object.keys(compose.volumes ?? {});
    expect(mount('postgresql', '/var/lib/postgresql/data')).toBe('temporal-db');
    expect(mount('mongo', '/data/db')).toBe('mongo-data');
    expect(declared.sort()).toEqual(['mongo-data', 'temporal-db']);
    for (const [name, svc] of Object.entries(services))
      for (const volume of svc.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('.') || source?.startsWith('/'))
          expect(fs.existsSync(path.resolve(ROOT, source)), `${name}: ${source}`).toBe(true);
        else expect(declared, `${name}: volume ${source}`).toContain(source);
      }
  });

  describe.each(HELPDESK)('%s', (name) => {
    const env = () => environment(name);

    it('is built from the repo Dockerfile with its name', () => {
      expect(service(name).build?.context).toBe('.');
      expect(service(name).build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(service(name).build?.args?.SERVICE).toBe(name);
    });

    it('gets a configuration packages/config accepts in production, secrets required', () => {
      const config = loadConfig(env());
      expect(config.NODE_ENV).toBe('production');
      // Without the secrets the file does not even resolve.
      expect(() => environment(name, {})).toThrow(/AUTH_JWT_SECRET/);
      expect(String(service(name).environment?.AUTH_JWT_SECRET)).toMatch(/^\$\{AUTH_JWT_SECRET:\?/);
    });

    it('sets every variable it reads whose default only suits a developer machine', () => {
      const defaults = loadConfig({}) as Record<string, unknown>;
      const devOnly = (key: string) =>
        key === 'NODE_ENV' || /localhost|127\.0\.0\.1|dev-secret/.test(String(defaults[key] ?? ''));
      const needed = configKeysRead(name).filter(devOnly);
      expect(needed.length).toBeGreaterThan(0);
      expect(needed.filter((key) => !(key in env()))).toEqual([]);
    });

    it('sets only variables packages/config knows (a typo would be silently ignored)', () => {
      const known = new Set(configSchemaKeys());
      expect(known.size).toBeGreaterThan(20);
      expect(Object.keys(env()).filter((key) => !known.has(key))).toEqual([]);
    });

    it('reaches Temporal and the store by their service names, in the namespace the job creates', () => {
      const config = loadConfig(env());
      expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(new URL(config.MONGO_URL).hostname).toBe('mongo');
      expect(script('temporal-namespace')).toContain(`namespace create --namespace ${config.TEMPORAL_NAMESPACE} `);
    });
  });

  it('publishes the gateway and the mail collector; Temporal and its UI on this host only', () => {
    const config = (name: string) => loadConfig(environment(name));
    expect(service('gateway').ports).toContain(`${config('gateway').PORT}:${config('gateway').PORT}`);
    const notifier = config('notifier');
    expect(service('notifier').ports).toEqual(
      expect.arrayContaining([
        `${notifier.INBOUND_SMTP_PORT}:${notifier.INBOUND_SMTP_PORT}`,
        `${notifier.INBOUND_HTTP_PORT}:${notifier.INBOUND_HTTP_PORT}`,
      ]),
    );
    expect(service('temporal').ports).toEqual(['127.0.0.1:7233:7233']);
    expect(service('temporal-ui').ports).toEqual(['127.0.0.1:8233:8080']);
    expect(environment('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(environment('temporal-namespace').TEMPORAL_ADDRESS).toBe('temporal:7233');
  });
});

describe("docker-compose.yml's Temporal is the dev stack's production-like one", () => {
  it('runs the Temporal server version the dev stack builds, with admin tools of the same version', () => {
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
    expect(imageTag('temporal')).toEqual({ image: 'temporalio/server', tag: version });
    for (const job of JOBS) expect(imageTag(job), job).toEqual({ image: 'temporalio/admin-tools', tag: version });
  });

  it('runs the PostgreSQL major the dev stack runs (Debian 15)', () => {
    const { image, tag } = imageTag('postgresql');
    expect(image).toBe('postgres');
    // The dev stack runs Debian's PostgreSQL (findPostgres); on a machine that has it, ask it.
    // Elsewhere: Debian bookworm's (what .ci/run installs, and the Dockerfile's base release).
    let devStackMajor = 15;
    let installed: string | undefined;
    try {
      installed = execFileSync(findPostgres().postgres, ['--version'], { encoding: 'utf8' });
    } catch {
      installed = undefined;
    }
    if (installed) devStackMajor = Number(/PostgreSQL\)\s+(\d+)/.exec(installed)?.[1]);
    expect(read('Dockerfile')).toMatch(/^FROM node:\d+-bookworm/m);
    expect(Number(tag), `the dev stack runs PostgreSQL ${devStackMajor}`).toBe(devStackMajor);
  });

  it('applies the same schemas with the SQL tool: both databases created, set up, updated by schema name', () => {
    const databases = devStackDatabases();
    expect(databases.map((db) => db.name)).toEqual(['temporal', 'temporal_visibility']);
    const lines = script('temporal-schema')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    expect(lines).toEqual(
      databases.flatMap((db) => [
        `temporal-sql-tool --db ${db.name} create-database`,
        `temporal-sql-tool --db ${db.name} setup-schema -v 0.0`,
        `temporal-sql-tool --db ${db.name} update-schema --schema-name ${db.schema}`,
      ]),
    );
    const sql = environment('temporal-schema');
    expect(sql).toMatchObject({
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: 'postgresql',
      SQL_PORT: '5432',
      SQL_USER: 'temporal',
    });
    // The server reads the same two databases, with the same plugin as the dev stack's config.
    const server = environment('temporal');
    expect(read('packages/dev-stack/src/temporal-server.ts')).toContain(`pluginName: '${server.DB}'`);
    expect(server).toMatchObject({
      DB: 'postgres12',
      DBNAME: databases[0]?.name,
      VISIBILITY_DBNAME: databases[1]?.name,
      POSTGRES_SEEDS: 'postgresql',
      DB_PORT: '5432',
      POSTGRES_USER: sql.SQL_USER,
    });
  });

  it('uses one database password, which the operator must give', () => {
    const raw = [
      service('postgresql').environment?.POSTGRES_PASSWORD,
      service('temporal-schema').environment?.SQL_PASSWORD,
      service('temporal').environment?.POSTGRES_PWD,
    ];
    expect(new Set(raw).size).toBe(1);
    expect(String(raw[0])).toMatch(/^\$\{TEMPORAL_DB_PASSWORD:\?/);
    expect(environment('postgresql').POSTGRES_USER).toBe('temporal');
  });

  it('has the same number of history shards (TEMPORAL_SHARDS, as the dev stack reads it)', () => {
    const raw = service('temporal').environment?.NUM_HISTORY_SHARDS;
    for (const env of [{}, { TEMPORAL_SHARDS: '16' }] as Record<string, string>[])
      expect(Number(interpolate(raw, env)), JSON.stringify(env)).toBe(selectedShardCount(env));
  });

  it('mounts the dynamic config file the dev stack reads', () => {
    const server = environment('temporal');
    const mounts = (service('temporal').volumes ?? []).map((v) => v.split(':'));
    const mount = mounts.find(([, target]) => target === server.DYNAMIC_CONFIG_FILE_PATH);
    expect(mount, `a mount at DYNAMIC_CONFIG_FILE_PATH (${server.DYNAMIC_CONFIG_FILE_PATH})`).toBeDefined();
    expect(path.resolve(ROOT, mount?.[0] ?? '')).toBe(DYNAMIC_CONFIG_FILE);
    expect(mount?.[2]).toBe('ro');
    // A dynamic config: keys to lists of { value, constraints? }.
    const dynamic = parse(fs.readFileSync(DYNAMIC_CONFIG_FILE, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(dynamic).length).toBeGreaterThan(0);
    for (const [key, values] of Object.entries(dynamic)) {
      expect(Array.isArray(values), key).toBe(true);
      for (const v of values as object[])
        expect(Object.keys(v).every((k) => ['value', 'constraints'].includes(k))).toBe(true);
    }
    // The server listens beyond its container, so the other containers reach it.
    expect(server.BIND_ON_IP).toBe('0.0.0.0');
  });

  it('registers exactly the search attributes of @helpdesk/contracts in the default namespace', () => {
    const job = script('temporal-namespace');
    const create = job.split('\n').find((line) => line.includes('search-attribute create')) ?? '';
    const names = [...create.matchAll(/--name (\S+)/g)].map((m) => m[1]);
    const types = [...create.matchAll(/--type (\S+)/g)].map((m) => m[1]);
    expect(create).toContain('--namespace default');
    expect([...names].sort()).toEqual(SEARCH_ATTRIBUTE_FLAGS.map((flag) => flag.split('=')[0]).sort());
    // The CLI takes one --type for all the names: every attribute must be of it.
    expect(types).toHaveLength(1);
    expect(new Set(SEARCH_ATTRIBUTE_FLAGS.map((flag) => flag.split('=')[1]))).toEqual(new Set(types));
    // The namespace, with the dev stack's retention (7 days), before the attributes.
    expect(job).toMatch(/namespace create --namespace default --retention 168h\b/);
    expect(read('packages/dev-stack/src/temporal-server.ts')).toContain('7 * 24 * 3600');
    expect(job.indexOf('namespace create')).toBeLessThan(job.indexOf('search-attribute create'));
  });
});

describe('the Dockerfile builds what docker-compose.yml runs', () => {
  const dockerfile = read('Dockerfile');

  it('builds every workspace and runs services/<SERVICE>/dist/main.js', () => {
    expect(dockerfile).toMatch(/^COPY packages \.\/packages$/m);
    expect(dockerfile).toMatch(/^COPY services \.\/services$/m);
    expect(dockerfile).toMatch(/npm ci .*&& npx turbo run build/);
    expect(dockerfile).toMatch(/^ARG SERVICE=/m);
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toContain('exec node services/${SERVICE}/dist/main.js');
    const nodeMajor = Number(/^FROM node:(\d+)/m.exec(dockerfile)?.[1]);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(nodeMajor).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(engines)?.[1]));
  });

  it.each(HELPDESK)('%s: a workspace whose start is dist/main.js', (name) => {
    const pkg = JSON.parse(read(`services/${name}/package.json`)) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node dist/main.js');
    expect(pkg.scripts.build).toBeDefined();
    expect(fs.existsSync(path.join(ROOT, 'services', name, 'src', 'main.ts'))).toBe(true);
  });

  it("puts the web apps where the gateway's compose environment says", () => {
    const env = environment('gateway');
    for (const [key, app] of [
      ['CONSOLE_DIR', 'console'],
      ['PORTAL_DIR', 'portal'],
    ] as const) {
      expect(env[key]).toBe(`/app/services/${app}/dist`);
      expect(dockerfile).toContain(`${key}=/app/services/${app}/dist`);
      const pkg = JSON.parse(read(`services/${app}/package.json`)) as { scripts: Record<string, string> };
      expect(pkg.scripts.build, app).toMatch(/vite build/);
    }
  });

  it('ships the health check the services run', () => {
    expect(fs.existsSync(path.join(ROOT, 'deploy', 'healthcheck.js'))).toBe(true);
    expect(dockerfile).toMatch(/^COPY deploy\/healthcheck\.js \.\/deploy\/healthcheck\.js$/m);
    const check = read('deploy/healthcheck.js');
    for (const name of HELPDESK) expect(check).toContain(`case '${name}'`);
  });
});
