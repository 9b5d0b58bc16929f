#!/usr/bin/env node
// Make sure the external programs the stack runs are here: the Temporal CLI and a
// MongoDB-compatible server. Missing ones are built with Go into Go's bin folder (cached there
// between runs). Needs the dev-stack package built.
const { findTemporalCli, findStoreBinary, StackError } = require('@helpdesk/dev-stack');

try {
  const temporal = findTemporalCli({ build: true });
  if (!temporal) throw new StackError('The Temporal CLI is missing and Go is not installed to build it.');
  const store = findStoreBinary({ build: true });
  console.log(`temporal: ${temporal}\n${store.kind}: ${store.path}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
