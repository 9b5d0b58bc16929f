// Staff accounts made from the command line rather than through the API: the first admin
// (`npm run admin`) and the demo data of a first `npm start` (demo.ts) share this, so there is one
// way to make a staff user with a password.
import type { DirectoryUser } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { zNewPassword } from './routes/auth';

export interface StaffAccount {
  email: string;
  password: string;
  /** For a new user: their name (the email when unset), their id (generated when unset), their role (admin). */
  name?: string | undefined;
  id?: string | undefined;
  role?: 'admin' | 'agent';
}

/** Why a password is refused (the rules of PUT /v1/users/:id/password), or undefined. */
export function passwordProblem(password: string): string | undefined {
  const strength = zNewPassword.safeParse(password);
  return strength.success ? undefined : `The password ${strength.error.issues.map((i) => i.message).join('; ')}`;
}

/**
 * Create the staff user when the email is new, else take the existing admin or agent; set the
 * password and end their sessions (a new password signs them out everywhere). Requesters are
 * refused: they sign in by magic link.
 */
export async function provisionStaff(
  store: Store,
  account: StaffAccount,
): Promise<{ user: DirectoryUser; created: boolean }> {
  const problem = passwordProblem(account.password);
  if (problem) throw new Error(problem);
  let user = await store.directory.userByEmail(account.email);
  if (user && user.role !== 'admin' && user.role !== 'agent') {
    throw new Error(`${account.email} is a ${user.role}: requesters sign in by magic link`);
  }
  let created = false;
  if (!user) {
    user = await store.directory.createUser({
      email: account.email,
      name: account.name ?? account.email,
      role: account.role ?? 'admin',
      ...(account.id ? { id: account.id } : {}),
    });
    created = true;
  }
  await store.credentials.setPassword(user.id, account.password);
  await store.credentials.revokeUserSessions(user.id);
  return { user, created };
}
