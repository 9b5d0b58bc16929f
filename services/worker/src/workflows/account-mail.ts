// Account mail (a requester's sign-in link), durably: the gateway starts this and answers; the
// notifier mints and mails the link, retried until it is sent or the link has expired.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { notificationsQueueFor } from '@helpdesk/contracts/workflow';
import type { AccountMailActivities, MagicLinkMail } from '@helpdesk/contracts/workflow';

export async function accountMailWorkflow(mail: MagicLinkMail): Promise<{ sent: boolean }> {
  const { sendMagicLink } = proxyActivities<AccountMailActivities>({
    taskQueue: notificationsQueueFor(workflowInfo().taskQueue),
    startToCloseTimeout: '1 minute',
    // Past the longest a link lives, a retry would only find it expired.
    scheduleToCloseTimeout: '1 day',
  });
  return sendMagicLink(mail);
}
