export { startReferenceServer } from './reference-server.js';
export type { ReferenceServer, ReferenceServerOptions } from './reference-server.js';
export { SCENARIOS, isScenarioName } from './scenarios.js';
export type { ScenarioName } from './scenarios.js';
export { generateSecret, mintServerToken } from './auth.js';
export type { MintClaims } from './auth.js';
