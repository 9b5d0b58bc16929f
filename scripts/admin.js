#!/usr/bin/env node
// `npm run admin -- --email root@example.com [--name Root] [--id root]` with the password in
// ADMIN_PASSWORD (or `--password`, which other users of the machine may see in the process list):
// creates the first admin in the directory of MONGO_URL with that password, or sets the password of
// an existing admin or agent. Then sign in with POST /v1/auth/login.
const { parseArgs } = require('node:util');
const { loadConfig } = require('@helpdesk/config');
const { Store } = require('@helpdesk/persistence');
const { zNewPassword } = require('@helpdesk/gateway');

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
  const strength = zNewPassword.safeParse(password);
  if (!strength.success) throw new Error(`The password ${strength.error.issues.map((i) => i.message).join('; ')}`);
  const { MONGO_URL } = loadConfig();
  const store = await Store.connect(MONGO_URL);
  try {
    let user = await store.directory.userByEmail(values.email);
    if (user && user.role !== 'admin' && user.role !== 'agent') {
      throw new Error(`${values.email} is a ${user.role}: requesters sign in by magic link`);
    }
    if (!user) {
      user = await store.directory.createUser({
        email: values.email,
        name: values.name ?? values.email,
        role: 'admin',
        ...(values.id ? { id: values.id } : {}),
      });
      console.log(`created admin ${user.id} <${user.email}>`);
    }
    await store.credentials.setPassword(user.id, password);
    await store.credentials.revokeUserSessions(user.id);
    console.log(`password set for ${user.role} ${user.id}; sign in with POST /v1/auth/login`);
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
