// Every table of the one PostgreSQL schema. Each aggregate keeps its tables in its own file; add the file here.
export * from './core';
export * from './messaging';
export * from './notifications';
export * from './sync';
export * from './comments';
export * from './activity';
