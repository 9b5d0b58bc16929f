export { createApp, closeStreams } from './app';
export type { AppDeps } from './app';
export { signToken, authOptionsFromConfig, defaultAuthOptions } from './auth';
export type { AuthOptions, OidcOptions } from './auth';
export { zNewPassword } from './routes/auth';
export { provisionStaff, passwordProblem } from './provision';
export type { StaffAccount } from './provision';
export { seedDemoData, DEMO_ADMIN_EMAIL, DEMO_CREDENTIALS_FILE, DEMO_GROUP, DEMO_TAG } from './demo';
export type { DemoAccount, DemoOptions, DemoOutcome } from './demo';
