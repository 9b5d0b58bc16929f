#!/usr/bin/env node
// `npm run token -- --role agent --sub alice [--name Alice] [--email alice@example.com] [--expires 12h]`
// prints a bearer token for the running stack (signed with AUTH_JWT_SECRET, or the dev default).
const { parseArgs } = require('node:util');
const { loadConfig } = require('@helpdesk/config');
const { signToken } = require('@helpdesk/gateway');

const ROLES = ['admin', 'agent', 'requester', 'service'];

try {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  if (!values.role || !ROLES.includes(values.role) || !values.sub) {
    throw new Error(
      `usage: npm run token -- --role <${ROLES.join('|')}> --sub <id> [--name N] [--email E] [--expires 12h]`,
    );
  }
  const { AUTH_JWT_SECRET } = loadConfig();
  const claims = { sub: values.sub, role: values.role };
  if (values.name) claims.name = values.name;
  if (values.email) claims.email = values.email;
  process.stdout.write(signToken(claims, AUTH_JWT_SECRET, values.expires) + '\n');
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
