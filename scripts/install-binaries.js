#!/usr/bin/env node
// Make sure the external programs the stack runs are here: the Temporal CLI, the Temporal server and
// its SQL tool (the production-like stack, TEMPORAL=postgres), the store that STORE selects
// (default: SecantusDB, or mongod when the machine has one). Missing ones are built (Temporal CLI,
// server and FerretDB with Go; secantusd-rs with cargo, ~15 minutes once) into Go's or
// cargo's bin folder and cached there; without cargo, SecantusDB's Python server is installed
// into a venv. Temporal's time-skipping test server (Java, for the worker's time-skipping tests) is
// fetched with Maven into ~/.cache/helpdesk. Needs the dev-stack package built.
const {
  findTemporalCli,
  findTemporalServer,
  findStoreBinary,
  findTestServer,
  StackError,
} = require('@helpdesk/dev-stack');

try {
  const temporal = findTemporalCli({ build: true });
  if (!temporal) throw new StackError('The Temporal CLI is missing and Go is not installed to build it.');
  // MONGO_URL: the tests and `npm start` use that server and start none.
  const store = process.env.MONGO_URL ? undefined : findStoreBinary({ build: true, install: true });
  const server = findTemporalServer({ build: true });
  console.log(`temporal: ${temporal}`);
  console.log(`temporal server: ${server.server}, its sql tool: ${server.sqlTool}`);
  console.log(
    store
      ? `store: ${store.kind}${store.kind === 'secantus' ? ` (${store.flavor})` : ''} ${store.path}`
      : `store: MONGO_URL (none to install)`,
  );
  console.log(`time-skipping test server: ${findTestServer({ install: true })}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
