export * from './format.js';
export * from './parser.js';
export * from './reader.js';
export * from './writer.js';
