// What each notification says is composed by @helpdesk/templates (shared with the gateway's
// preview): the recipient's language, the brand's stored override or the shipped default, the
// agent's name and signature, the quoted messages, the brand's support address as sender.
export { composeMail, parseSender, brandOf } from '@helpdesk/templates';
export type { Draft, RenderedMail } from '@helpdesk/templates';
