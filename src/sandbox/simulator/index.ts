// The Intech simulator: the sandbox stand-in for the real provider (see README.md).
export { ERROR_TABLE, errorTypeFor } from './error-table.js';
export { billFixtures } from './bill-fixtures.js';
export { DOCUMENTED_SERVICES } from './services.js';
export { createSimulator, startSimulator } from './simulator.js';
export { groupToken, woyofalTokens } from './tokens.js';
export type * from './types.js';
