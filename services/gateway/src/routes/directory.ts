// The directory under /v1: users, groups and organizations (each in its own file).
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Store } from '@helpdesk/persistence';
import type { Tickets } from '@helpdesk/ticket-client';
import { groupRoutes } from './directory-groups';
import { organizationRoutes } from './directory-organizations';
import { userRoutes } from './directory-users';

export function directoryRoutes(store: Store, tickets: Tickets, client: Client, taskQueue: string): Router {
  const router = Router();
  router.use('/users', userRoutes(store, tickets, client));
  router.use('/groups', groupRoutes(store, client, taskQueue));
  router.use('/organizations', organizationRoutes(store));
  return router;
}
