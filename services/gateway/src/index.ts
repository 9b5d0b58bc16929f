export { createApp } from './app';
export type { AppDeps } from './app';
export { signToken } from './auth';
