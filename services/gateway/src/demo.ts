// Demo data for a first `npm start` on an empty store, so there is something to sign in to and
// look at: an admin, two agents in a group, a requester and ten tickets in varied states. All of
// it is marked as demo (emails @demo.helpdesk.local, names "(demo)", tickets tagged `demo` with
// titles starting "[demo]"). Never on a store that has any user; DEMO_DATA=0 turns it off.
//
// Accounts are made the way `npm run admin` makes them (provisionStaff); the group and the tickets
// go through the running gateway's API, signed in as the demo admin and agents, so they are real
// tickets with their workflows, exactly as people would make them.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '@helpdesk/persistence';
import { passwordProblem, provisionStaff } from './provision';

export const DEMO_DOMAIN = 'demo.helpdesk.local';
export const DEMO_ADMIN_EMAIL = `admin@${DEMO_DOMAIN}`;
export const DEMO_GROUP = 'demo-team';
export const DEMO_TAG = 'demo';
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

export interface DemoAccount {
  role: 'admin' | 'agent' | 'requester';
  id: string;
  name: string;
  email: string;
  /** Staff only: requesters sign in by magic link. */
  password?: string;
}

export type DemoOutcome =
  | { seeded: false; reason: string }
  | { seeded: true; accounts: DemoAccount[]; credentialsFile: string; tickets: number; problem?: string };

export interface DemoOptions {
  store: Store;
  /** The running gateway, e.g. http://127.0.0.1:3000 */
  gateway: string;
  /** Where demo-credentials.txt goes (npm start: ./.data). */
  dataDir: string;
  /** DEMO_DATA=0 turns it off. */
  env?: NodeJS.ProcessEnv;
}

/** A password the password rules accept (24 random characters; drawn again in the rare case they do not). */
function generatePassword(): string {
  for (;;) {
    const password = randomBytes(18).toString('base64url');
    if (!passwordProblem(password)) return password;
  }
}

async function call<T>(gateway: string, method: string, route: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${gateway}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface DemoTicket {
  title: string;
  description: string;
  priority: 'low' | 'normal' | 'high';
  /** What happens to it after creation, as which agent (0: Ada, 1: Ben). */
  then: { as: 0 | 1; route: string; body: unknown }[];
}

const DAY_MS = 24 * 3600 * 1000;

/** Ten tickets: three new (one assigned), three in progress, two waiting, two resolved, one spam. */
function demoTickets(now: number, ada: string): DemoTicket[] {
  const take = (as: 0 | 1) => ({ as, route: 'take', body: {} });
  return [
    {
      title: '[demo] The printer on the 3rd floor jams on every job',
      description: 'Since this morning every print job jams the tray. The display says "E-42".',
      priority: 'high',
      then: [],
    },
    {
      title: '[demo] Cannot connect to the VPN from home',
      description: 'The VPN client says "authentication failed" although my password works everywhere else.',
      priority: 'normal',
      then: [{ as: 0, route: 'assign', body: { assignee: ada } }],
    },
    {
      title: '[demo] Request: a second monitor',
      description: 'Could I get a second monitor for my desk? Any 24" would do.',
      priority: 'low',
      then: [],
    },
    {
      title: '[demo] Outlook keeps asking for my password',
      description: 'Every ten minutes a password prompt pops up in Outlook.',
      priority: 'normal',
      then: [
        take(0),
        {
          as: 0,
          route: 'replies',
          body: { body: 'Thanks Rita, could you tell us which Outlook version you use?', visibility: 'public' },
        },
      ],
    },
    {
      title: '[demo] Laptop battery drains in two hours',
      description: 'My laptop is one year old and the battery lasts two hours at most.',
      priority: 'normal',
      then: [take(1), { as: 1, route: 'notes', body: { body: 'Warranty runs until next spring: order a battery.' } }],
    },
    {
      title: '[demo] The intranet search finds nothing',
      description: 'Searching the intranet for "holiday policy" returns no results.',
      priority: 'normal',
      then: [take(1)],
    },
    {
      title: '[demo] Access to the finance share',
      description: 'I need read access to \\\\files\\finance for the quarterly report.',
      priority: 'normal',
      then: [
        take(0),
        {
          as: 0,
          route: 'replies',
          body: { body: 'Who is your manager? They need to approve the access.', visibility: 'public' },
        },
        { as: 0, route: 'wait', body: { waitType: 'more_info', days: 3 } },
      ],
    },
    {
      title: '[demo] Accounts for a new starter next week',
      description: 'Sam starts next week and needs a laptop, a mail account and a badge.',
      priority: 'normal',
      then: [
        take(1),
        { as: 1, route: 'wait', body: { waitType: 'until', until: new Date(now + 5 * DAY_MS).toISOString() } },
      ],
    },
    {
      title: '[demo] Wi-Fi drops in meeting room B',
      description: 'The Wi-Fi in meeting room B drops every few minutes during calls.',
      priority: 'high',
      then: [
        take(0),
        {
          as: 0,
          route: 'replies',
          body: {
            body: 'We replaced the access point in room B; it should be stable now.',
            visibility: 'public',
            resolve: { method: 'customer_communication' },
          },
        },
      ],
    },
    {
      title: '[demo] Password reset for the HR portal',
      description: 'I locked myself out of the HR portal.',
      priority: 'normal',
      then: [take(1), { as: 1, route: 'resolve', body: { method: 'customer_communication' } }],
    },
    {
      title: '[demo] You have won a prize!!!',
      description: 'Click here to claim your prize.',
      priority: 'low',
      then: [{ as: 1, route: 'spam', body: {} }],
    },
  ];
}

/**
 * Seed the demo data unless the store has users or DEMO_DATA=0. Accounts and the credentials file
 * come first: should the tickets fail (the outcome's `problem`), the accounts still work.
 */
export async function seedDemoData(opts: DemoOptions): Promise<DemoOutcome> {
  const env = opts.env ?? process.env;
  if (env.DEMO_DATA === '0') return { seeded: false, reason: 'DEMO_DATA=0' };
  if ((await opts.store.directory.listUsers({}, 1)).length > 0)
    return { seeded: false, reason: 'the directory already has users' };

  const staff: (DemoAccount & { password: string; role: 'admin' | 'agent' })[] = [
    {
      role: 'admin',
      id: 'demo-admin',
      name: 'Demo Admin (demo)',
      email: DEMO_ADMIN_EMAIL,
      password: generatePassword(),
    },
    {
      role: 'agent',
      id: 'demo-ada',
      name: 'Ada Agent (demo)',
      email: `ada@${DEMO_DOMAIN}`,
      password: generatePassword(),
    },
    {
      role: 'agent',
      id: 'demo-ben',
      name: 'Ben Agent (demo)',
      email: `ben@${DEMO_DOMAIN}`,
      password: generatePassword(),
    },
  ];
  for (const account of staff) await provisionStaff(opts.store, account);
  const requester: DemoAccount = {
    role: 'requester',
    id: 'demo-rita',
    name: 'Rita Requester (demo)',
    email: `rita@${DEMO_DOMAIN}`,
  };
  await opts.store.directory.createUser({
    id: requester.id,
    name: requester.name,
    email: requester.email,
    role: 'requester',
  });
  const accounts: DemoAccount[] = [...staff, requester];

  const credentialsFile = path.join(opts.dataDir, DEMO_CREDENTIALS_FILE);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  fs.writeFileSync(
    credentialsFile,
    [
      '# DEMO DATA: accounts made on the first `npm start` of an empty store (DEMO_DATA=0 turns this off).',
      '# Not for real use. Sign in to the console at <gateway>/console/ with one of these:',
      ...staff.map((a) => `${a.role.padEnd(9)} ${a.email.padEnd(28)} ${a.password}`),
      `# The requester signs in to the portal (<gateway>/portal/) by magic link: ${requester.email}`,
      '# (the link arrives in the mail sink of `npm start`).',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  let tickets = 0;
  try {
    const signIn = async (a: { email: string; password: string }) =>
      (
        await call<{ accessToken: string }>(opts.gateway, 'POST', '/v1/auth/login', undefined, {
          email: a.email,
          password: a.password,
        })
      ).accessToken;
    const [admin, ada, ben] = staff;
    if (!admin || !ada || !ben) throw new Error('demo accounts missing');
    const adminToken = await signIn(admin);
    const agentTokens = [await signIn(ada), await signIn(ben)] as const;
    await call(opts.gateway, 'POST', '/v1/groups', adminToken, {
      name: DEMO_GROUP,
      members: [ada.id, ben.id],
    });
    for (const spec of demoTickets(Date.now(), ada.id)) {
      const ticket = await call<{ id: string }>(opts.gateway, 'POST', '/v1/tickets', adminToken, {
        title: spec.title,
        description: spec.description,
        priority: spec.priority,
        group: DEMO_GROUP,
        tags: [DEMO_TAG],
        requester: { id: requester.id, name: requester.name, email: requester.email },
      });
      tickets++;
      for (const step of spec.then)
        await call(opts.gateway, 'POST', `/v1/tickets/${ticket.id}/${step.route}`, agentTokens[step.as], step.body);
    }
  } catch (err) {
    return {
      seeded: true,
      accounts,
      credentialsFile,
      tickets,
      problem: err instanceof Error ? err.message : String(err),
    };
  }
  return { seeded: true, accounts, credentialsFile, tickets };
}
