// The ticket workflow's patch names, one list: each marks a change that tickets already running
// must not see (their histories replay through the branch they recorded). Never rename one.

/** Tickets started before projections became local keep the activity their history recorded. */
export const LOCAL_PROJECTION_PATCH = 'projection-as-local-activity';
/** Settings are versioned: a change wakes a ticket only if it moves a deadline; timers re-read them. */
export const VERSIONED_SETTINGS_PATCH = 'versioned-settings';
/** One deadline timer kept across commands instead of a cancel and restart per command. */
export const KEPT_TIMER_PATCH = 'kept-deadline-timer';
/**
 * Receipt time decides: the close waits out a grace for commands received before it, a command
 * received after the lapse waits for the close, and a due deadline is checked again after the
 * settings re-read (a command may have moved it meanwhile).
 */
export const RECEIPT_TIME_PATCH = 'receipt-time';
/**
 * Service-level breaches wait out the receipt grace as the close does, and a command received
 * after such a deadline records the breach first (see ticket-rules receipt.ts).
 */
export const SERVICE_LEVEL_GRACE_PATCH = 'service-level-grace';
/** A reopened split child tells its parent (an activity older runs never scheduled). */
export const CHILD_REOPENED_PATCH = 'child-reopened-signal';
/** An operator's cancellation closes the ticket, logged, instead of ending the run as cancelled. */
export const OPERATOR_CANCEL_PATCH = 'operator-cancel-closes';
/**
 * Mail names directory references (`user:<id>`, `group:<name>`) that the notifier resolves. Older
 * runs mailed an assignee only when the id was an address, and breaches to `<group>@groups.helpdesk.local`.
 */
export const DIRECTORY_RECIPIENTS_PATCH = 'directory-recipients';
