// Everything registered as a workflow type. The worker bundles this file.
export { ticketWorkflow } from './ticket';
export { settingsBroadcastWorkflow } from './settings-broadcast';
export { housekeepingWorkflow } from './housekeeping';
export { groupQueueWorkflow } from './group-queue';
export { accountMailWorkflow } from './account-mail';
export { webhookDispatchWorkflow } from './webhook-dispatch';
