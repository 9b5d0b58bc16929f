// Every word the portal shows, in one place (English only for now: a translation replaces this module).
import type { TicketStatus } from './types';

export const t = {
  appName: 'Helpdesk',
  portalName: 'Your requests',
  skipToContent: 'Skip to content',
  signOut: 'Sign out',
  signedInAs: (who: string) => `Signed in as ${who}`,
  loading: 'Loading…',
  retry: 'Try again',
  genericError: 'Something went wrong. Please try again.',
  networkError: 'The helpdesk cannot be reached. Check your connection and try again.',

  // Sign-in
  signInTitle: 'Sign in to see your requests',
  signInIntro: 'Enter your email address and we will mail you a link that signs you in. No password needed.',
  emailLabel: 'Email address',
  sendLink: 'Mail me a sign-in link',
  sending: 'Sending…',
  linkSentTitle: 'Check your mail',
  linkSent: (email: string) =>
    `If ${email} may use the helpdesk, a sign-in link is on its way. It works once, for a few minutes.`,
  useAnotherEmail: 'Use another address',
  verifyingTitle: 'Signing you in…',
  verifyFailedTitle: 'This sign-in link does not work',
  verifyFailed: 'It may have been used already or have expired. Ask for a new one.',
  askNewLink: 'Ask for a new link',
  noToken: 'This page needs the link from your sign-in mail.',
  sessionEnded: 'Your session has ended. Please sign in again.',

  // My requests
  myRequests: 'My requests',
  organizationRequests: (company: string) => `Requests of ${company}`,
  onlyMine: 'Show only my requests',
  newRequest: 'New request',
  noRequests: 'You have no requests yet.',
  loadMore: 'Show more',
  requestedBy: (who: string) => `Requested by ${who}`,
  you: 'you',
  updated: 'Updated',
  reference: 'Reference',
  subject: 'Subject',
  status: 'Status',
  untitled: '(no subject)',

  // New request
  newRequestTitle: 'Submit a request',
  titleLabel: 'Subject',
  titleHint: 'A few words that say what it is about.',
  descriptionLabel: 'Describe the problem',
  descriptionHint: 'What happened, what you expected, and anything you already tried.',
  attachmentsLabel: 'Attachments (optional)',
  attachmentsHint: 'Screenshots, logs or documents that help us understand.',
  removeFile: (name: string) => `Remove ${name}`,
  submit: 'Submit request',
  submitting: 'Submitting…',
  cancel: 'Cancel',
  uploadFailed: (name: string, why: string) => `${name} could not be attached: ${why}`,
  submittedWithErrors: 'Your request was submitted, but not every file could be attached.',

  // A request
  backToList: 'Back to my requests',
  conversation: 'Conversation',
  attachments: 'Attachments',
  download: (name: string) => `Download ${name}`,
  downloadFailed: (name: string) => `${name} could not be downloaded.`,
  yourReply: 'Your reply',
  replyLabel: 'Write a reply',
  sendReply: 'Send reply',
  attachFile: 'Attach a file',
  sendingReply: 'Sending…',
  replySent: 'Your reply was sent.',
  reopen: 'Reopen this request',
  reopenHelp: 'Not solved after all? Reopen it within the feedback period and we will look at it again.',
  reopened: 'The request is open again.',
  stillAProblem: 'This is still a problem',
  stillAProblemHelp:
    'This request is closed. Tell us what is still wrong and we open a new request that follows up on this one.',
  followUpLabel: 'What is still wrong?',
  goTo: (reference: string) => `Go to ${reference}`,
  followUpOf: 'Follows up on an earlier request',
  followedUpBy: 'Followed up by',
  followUpLink: (n: number, of: number) => (of === 1 ? 'a new request' : `new request ${n}`),
  liveOn: 'Updates appear here as they happen.',
  updatedLive: 'This request was updated.',
  refused: 'That could not be done',
  noActions: 'Nothing can be done on this request right now.',
  colleaguesRequest: 'This is a colleague’s request: you can follow it here, and only they can answer or reopen it.',
  openedBy: (who: string, when: string) => `Opened by ${who} on ${when}`,
  size: (bytes: number) =>
    bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 * 1024
        ? `${Math.round(bytes / 1024)} KB`
        : `${(bytes / 1048576).toFixed(1)} MB`,

  // The conversation
  event: {
    created: 'Request submitted',
    support: 'Support',
    attachmentAdded: (name: string) => `Attached ${name}`,
    resolved: 'Marked as solved',
    reopened: 'Reopened',
    closed: 'Closed',
    submitted: 'Submitted',
    followUp: 'Follow-up opened',
  },

  statusLabel: {
    draft: 'Draft',
    new: 'Received',
    in_progress: 'In progress',
    waiting: 'Waiting',
    resolved: 'Solved',
    closed: 'Closed',
  } satisfies Record<TicketStatus, string>,
  statusHelp: {
    draft: 'Not submitted yet.',
    new: 'We have your request and will pick it up soon.',
    in_progress: 'Someone is working on it.',
    waiting: 'Waiting, often for an answer from you.',
    resolved: 'We think this is solved. Reply or reopen if it is not.',
    closed: 'This request is closed.',
  } satisfies Record<TicketStatus, string>,
} as const;

/** A date as the reader's locale writes it, with the time. */
export const formatDate = (iso: string): string =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
