export { startStack } from './stack';
export type { StackOptions, RunningStack } from './stack';
export { startTemporal } from './temporal';
export { startStore } from './store';
export { startMailSink, listSinkMail } from './mail';
export type { SinkMail } from './mail';
export { findTemporalCli, findStoreBinary } from './binaries';
export { freePort, isPortFree } from './ports';
export { StackError, MissingBinaryError, PortInUseError, StartupTimeoutError } from './errors';
