export { startStack } from './stack';
export type { StackOptions, RunningStack, ComponentName } from './stack';
export type { Backoff } from './supervisor';
export { startTemporal } from './temporal';
export { selectedTemporalKind, selectedShardCount, TEMPORAL_KINDS } from './temporal-server';
export type { TemporalKind } from './temporal-server';
export { privateDatabase, startStore } from './store';
export type { RunningStore, StoreOptions } from './store';
export { startWriteGate } from './write-gate';
export type { RunningWriteGate } from './write-gate';
export { startMailSink, listSinkMail } from './mail';
export type { SinkMail } from './mail';
export {
  findTemporalCli,
  findTemporalServer,
  findPostgres,
  findStoreBinary,
  selectedStoreKind,
  STORE_KINDS,
} from './binaries';
export type { StoreBinary, StoreKind, StoreFindOptions } from './binaries';
export { freePort, isPortFree } from './ports';
export { StackError, MissingBinaryError, PortInUseError, StartupTimeoutError } from './errors';
export { startService, webAppDirs } from './services';
export type { ServiceSpec } from './services';
export type { ManagedProcess } from './processes';
export { findTestServer, testServerVersion, TEST_SERVER_POM, type TestServerOptions } from './test-server';
