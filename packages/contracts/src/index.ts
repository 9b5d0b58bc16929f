export * from './workflow';
export * from './schemas';
export * from './api';
export * from './limits';
export * from './automation-schemas';
