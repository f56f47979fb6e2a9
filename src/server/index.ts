export { startReferenceServer } from './reference-server.js';
export type { ReferenceServer } from './reference-server.js';
export type { ReferenceServerOptions } from './server-settings.js';
export { SCENARIOS, isScenarioName } from './scenarios.js';
export type { ScenarioName } from './scenarios.js';
export { AG_UI_SCENARIOS } from './ag-ui/scenarios.js';
export type { AgUiScenarioName } from './ag-ui/scenarios.js';
export { generateSecret, mintServerToken } from './auth.js';
export type { MintClaims } from './auth.js';
