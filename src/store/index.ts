// Store factories. Callers depend on the Store interface (./types.js), never on an implementation.
export { createMemoryStore, type MemoryStoreOptions } from './memory.js';
export { CorruptFileError, type LowdbStoreOptions, openLowdbStore, StoreLockedError } from './lowdb/index.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/index.js';
export { DuplicateOrderError, StoreClosedError } from './query.js';
export type * from './types.js';
