export * from './describe.js';
export * from './github.js';
export * from './human.js';
export * from './json.js';
export * from './junit.js';
export * from './markdown.js';
