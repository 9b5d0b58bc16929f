// The one change version N+1 of the workflow code makes (test/versioning.test.ts): a new ticket arms
// an intake timer at its start. Names only, so the test can look for them in histories.

/** The patch that guards the change; never reused for anything else. */
export const INTAKE_PATCH = 'test-intake-timer';
/** The summary the intake timer carries in the history. */
export const INTAKE_TIMER_SUMMARY = 'intake check (version N+1)';
export const INTAKE_TIMER_MS = 1_000;
