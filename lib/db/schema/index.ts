// Every table of the one PostgreSQL schema. Each aggregate keeps its tables in its own file; add the file here.

export * from './activity';
export * from './admin';
export * from './comments';
export * from './core';
export * from './messaging';
export * from './notifications';
export * from './outbox';
export * from './sync';
