#!/usr/bin/env node
// `npm run admin -- --email root@example.com [--name Root] [--id root]` with the password in
// ADMIN_PASSWORD (or `--password`, which other users of the machine may see in the process list):
// creates the first admin in the directory of MONGO_URL with that password, or sets the password of
// an existing admin or agent. Then sign in with POST /v1/auth/login. The work is the gateway's
// provisionStaff, which the demo data of a first `npm start` uses too.
const { parseArgs } = require('node:util');
const { loadConfig } = require('@helpdesk/config');
const { Store } = require('@helpdesk/persistence');
const { passwordProblem, provisionStaff } = require('@helpdesk/gateway');

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
    },
  });
  const password = values.password ?? process.env.ADMIN_PASSWORD;
  if (!values.email || !password) {
    throw new Error('usage: ADMIN_PASSWORD=… npm run admin -- --email <address> [--name N] [--id ID]');
  }
  // Before connecting: a weak password is refused at once.
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  const { MONGO_URL } = loadConfig();
  const store = await Store.connect(MONGO_URL);
  try {
    const { user, created } = await provisionStaff(store, {
      email: values.email,
      password,
      name: values.name,
      id: values.id,
    });
    if (created) console.log(`created admin ${user.id} <${user.email}>`);
    console.log(`password set for ${user.role} ${user.id}; sign in with POST /v1/auth/login`);
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
