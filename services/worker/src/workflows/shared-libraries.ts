// Preloaded into the workflow bundle (bundle.ts, SHARED_WORKFLOW_MODULES): the libraries the rules
// use, evaluated once per worker instead of once per workflow. Re-exported, not merely imported,
// because both declare themselves free of side effects and webpack would drop a bare import.
import { z } from 'zod';

export { z };
export { IANAZone } from 'luxon';

// zod writes its default locale and memoizer into a global config the first time any schema is
// built. Built once here, before the SDK freezes the shared state, so no workflow writes to it
// (a workflow that did would fail with "object is not extensible").
z.object({ ready: z.string() });
