// The part of the contracts that workflow code may import: no zod, no Node built-ins.
export * from './ticket';
export * from './commands';
export * from './settings';
export * from './time';
export * from './definitions';
export * from './notifications';
export * from './directory';
export * from './routing';
export * from './automation';
export * from './custom-fields';
export * from './webhooks';
