// Follow-up tickets (spec 000/001): a reply to a closed ticket, or an agent, opens a new ticket
// that refers to the closed one and carries most of its data.
import type { FollowUpOrigin, Settings, TicketFields } from '@helpdesk/contracts/workflow';

/**
 * The fields a follow-up takes from the closed ticket. Carried: subject, category, severity,
 * requester and contact, company, project, contract, tags, brand. Not carried: comments,
 * priority, type, group and assignee (unless the setting keeps assignee and group), skills.
 */
export function followUpFields(
  origin: FollowUpOrigin,
  settings: Settings,
): { fields: Partial<TicketFields>; assignee?: string } {
  const of = origin.of;
  const brand = of.brand ?? settings.defaultBrand;
  const fields: Partial<TicketFields> = {
    title: of.title,
    description: origin.message?.body ?? of.description,
    category: of.category,
    severity: of.severity,
    requester: of.requester,
    primaryContact: of.primaryContact,
    company: of.company,
    project: of.project,
    contract: of.contract,
    notifyThirdParty: of.notifyThirdParty,
    tags: [...of.tags],
    brand,
    // From an email: the address it was sent to and only its CCs; otherwise the brand's default.
    supportAddress:
      origin.via === 'email'
        ? (origin.supportAddress ?? settings.brandSupportAddresses[brand])
        : settings.brandSupportAddresses[brand],
    ccs: origin.via === 'email' ? [...(origin.ccs ?? [])] : [...of.ccs],
  };
  if (settings.followUpKeepsAssigneeAndGroup) {
    fields.group = of.group;
    return of.assignee ? { fields, assignee: of.assignee } : { fields };
  }
  return { fields };
}
