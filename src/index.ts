// The library API of ws-validate: what `import ... from 'ws-validate'` gives.
export { validate } from './api/validate.js';
export type { ValidateContext, ValidateOptions, ValidationReport } from './api/validate.js';
export { check } from './api/check.js';
export type { CheckInput, CheckOptions } from './api/check.js';
export { startReferenceServer } from './api/reference-server.js';
export type { ReferenceServerOptions, RunningReferenceServer } from './api/reference-server.js';
export { reportOf } from './api/errors.js';
export type { LibraryValue, RunOptions } from './api/options.js';
export {
  AuthError,
  ConnectionError,
  ExitCode,
  InterruptedError,
  UsageError,
  WsValidateError,
} from './shared/errors.js';
export type { RunReport, Attempt } from './contract/run-report.js';
export type { AggregateReport, Percentiles, RunSummary } from './contract/aggregate.js';
export type { ScenarioName } from './server/scenarios.js';
export { SCENARIOS } from './server/scenarios.js';
