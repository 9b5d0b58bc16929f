// The e2e-postgres project: the same tests on the production-like Temporal, the Temporal server on
// PostgreSQL with 4 history shards (README "The production-like stack").
import { stackSetup } from './global-setup';

export const { setup, teardown } = stackSetup({ kind: 'postgres', shards: 4 });
