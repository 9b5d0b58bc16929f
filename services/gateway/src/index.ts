export { createApp } from './app';
export type { AppDeps } from './app';
export { signToken, authOptionsFromConfig, defaultAuthOptions } from './auth';
export type { AuthOptions, OidcOptions } from './auth';
export { zNewPassword } from './routes/auth';
