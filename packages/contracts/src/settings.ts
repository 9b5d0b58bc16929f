// Helpdesk settings (spec "Settings"). Durations keep the spec's units (hours, days) and accept
// fractions, so tests can run a "day" in seconds without a separate code path.
import type { BusinessCalendar } from '@helpdesk/business-calendar';
import type { TimeRule, Trigger } from './automation';
import type { CustomFieldDefinition } from './custom-fields';

export type { BusinessCalendar };

/**
 * Service-level targets for the tickets it matches (every list given must hold the ticket's value;
 * a list left out matches all). Minutes of working time in the calendar used; null or missing: no
 * such target.
 */
export interface SlaPolicy {
  name: string;
  priorities?: string[];
  groups?: string[];
  types?: string[];
  /** A key of `businessCalendars`; else the ticket group's calendar (`groupCalendars`), else round the clock. */
  calendar?: string;
  /** From submission to the first public agent reply. */
  firstResponseMinutes?: number | null;
  /** From a requester's reply that follows an agent reply to the next public agent reply. */
  nextResponseMinutes?: number | null;
  /** From submission to resolution (a reopen resumes the clock). */
  resolutionMinutes?: number | null;
  /** A warning this many minutes of working time before each due instant. */
  warnBeforeMinutes?: number | null;
}

export interface Settings {
  /** Reference mask: {yyyy} {yy} {mm} {dd} are dates, a run of zeros in braces is the counter, e.g. "TK-{yyyy}{mm}-{00000}". */
  numberingMask: string;
  requestTypes: string[];
  groups: string[];
  severities: string[];
  categories: string[];
  /** Tickets created by internal users (agents, admins) start as read. */
  autoReadInternal: boolean;
  /** The agent who creates a ticket is assigned to it. */
  autoAssignCreator: boolean;
  /** Requester is told when the ticket closes. */
  notifyOnClose: boolean;
  /** Max hours before the first public agent reply; null disables. */
  responseDelayHours: number | null;
  /** Max hours an open ticket may stay without any action; null disables. */
  actionDelayHours: number | null;
  /** Type, group and severity of a closed ticket may still change. */
  reclassifyClosed: boolean;
  notificationSender: string;
  /** Every ticket creation is also reported to this address, when set. */
  creationNotificationAddress: string | null;
  notificationHeader: string;
  notificationFooter: string;
  /** After resolution, how long the requester can answer and reopen before it closes. */
  feedbackWindowHours: number;
  defaultWaitDays: number;
  closeIfNoResponse: boolean;
  followUpKeepsAssigneeAndGroup: boolean;
  /** Resolving needs a resolution email or an internal note in the same action. */
  resolutionRequiresMessage: boolean;
  /** Support address used for a brand when nothing else says which (brand name → address). */
  brandSupportAddresses: Record<string, string>;
  defaultBrand: string;
  /**
   * The language of a brand's mail to people whose directory entry names none the templates have
   * (brand name → en, fr or es); unset: English. Unset in settings stored before it existed: none.
   */
  brandLocales?: Record<string, string>;
  /** Mail collector: support addresses that take mail (empty: every brand's support address). */
  collectorAddresses: string[];
  collectorDefaultType: string | null;
  collectorDefaultGroup: string | null;
  /** Unknown senders may open tickets; otherwise their ticket is rejected (unknown address) and closed. */
  collectorAllowUnknownSenders: boolean;
  /** Senders from these domains are known even before their first ticket. */
  collectorKnownDomains: string[];
  /** Suspended mail older than this is purged. */
  suspendedRetentionDays: number;
  /** Storm protection: mail from one sender, or into one ticket, that may act per hour. */
  mailLimitPerSenderPerHour: number;
  mailLimitPerTicketPerHour: number;
  /** A ticket's workflow continues as new past this many history events (or when the server suggests it). */
  continueAsNewAfterEvents: number;
  /**
   * How long a command may be in flight and still count at the time it was received (the close at
   * the end of the feedback window waits this long). Unset in settings stored before it existed: 3 seconds.
   */
  receiptGraceSeconds?: number;
  /** Service levels: business calendars by name. Unset in settings stored before they existed: none. */
  businessCalendars?: Record<string, BusinessCalendar>;
  /** Group name → calendar name (written by the directory's group API). */
  groupCalendars?: Record<string, string>;
  /**
   * A ticket may be assigned to an agent who is not a member of its group (else 409). Unset in
   * settings stored before it existed: false.
   */
  assignOutsideGroup?: boolean;
  /** The first policy that matches a ticket sets its targets; none matching: the two delays above. */
  slaPolicies?: SlaPolicy[];
  /** Custom fields tickets carry in `custom` (see custom-fields.ts). Unset in settings stored before they existed: none. */
  customFields?: CustomFieldDefinition[];
  /** Triggers, in the order they are evaluated. Unset in settings stored before they existed: none. */
  triggers?: Trigger[];
  /** Time rules (exact timers per ticket). Unset in settings stored before they existed: none. */
  timeRules?: TimeRule[];
  /**
   * Bumped by every change (the store's atomic counter, not an input): a ticket takes settings
   * only when they are newer than the ones it has, so changes apply in the order they were made.
   */
  version: number;
}

// Every setting, optional ones too, has its default: these keys are the settings' keys at run time.
export const DEFAULT_SETTINGS: Settings = {
  numberingMask: 'TK-{yyyy}{mm}-{00000}',
  requestTypes: ['question', 'incident', 'problem', 'task'],
  groups: ['support'],
  severities: ['low', 'normal', 'high', 'critical'],
  categories: ['general'],
  autoReadInternal: true,
  autoAssignCreator: false,
  notifyOnClose: true,
  responseDelayHours: 8,
  actionDelayHours: 72,
  reclassifyClosed: false,
  notificationSender: 'Helpdesk <support@helpdesk.local>',
  creationNotificationAddress: null,
  notificationHeader: '',
  notificationFooter: 'Reply to this email to add to your request.',
  feedbackWindowHours: 168,
  defaultWaitDays: 3,
  closeIfNoResponse: false,
  followUpKeepsAssigneeAndGroup: false,
  resolutionRequiresMessage: false,
  brandSupportAddresses: { default: 'support@helpdesk.local' },
  defaultBrand: 'default',
  brandLocales: {},
  continueAsNewAfterEvents: 10_000,
  receiptGraceSeconds: 3,
  businessCalendars: {},
  groupCalendars: {},
  assignOutsideGroup: false,
  slaPolicies: [],
  customFields: [],
  triggers: [],
  timeRules: [],
  collectorAddresses: [],
  collectorDefaultType: null,
  collectorDefaultGroup: null,
  collectorAllowUnknownSenders: true,
  collectorKnownDomains: [],
  suspendedRetentionDays: 14,
  mailLimitPerSenderPerHour: 20,
  mailLimitPerTicketPerHour: 30,
  version: 0,
} satisfies Required<Settings>;

/**
 * The settings to act on: the candidate when it is newer than the current ones. Settings sent
 * before versions existed carry none and were always taken, so they still are.
 */
export const newerSettings = (current: Settings, candidate: Settings | undefined): Settings =>
  candidate && (candidate.version === undefined || candidate.version > (current.version ?? 0)) ? candidate : current;

/**
 * The run that tells open tickets about settings version `version`: one per version, and per
 * ticket task queue, since deployments (and tests) with their own stores share a namespace.
 */
export const settingsBroadcastId = (ticketsQueue: string, version: number): string =>
  ticketsQueue === 'tickets' ? `settings-broadcast-${version}` : `settings-broadcast-${ticketsQueue}-${version}`;
