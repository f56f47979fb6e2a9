export * from './command.js';
export * from './e2e.js';
export * from './expiry.js';
export * from './file.js';
export * from './mint.js';
export * from './placement.js';
