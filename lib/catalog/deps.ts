import type { Db } from '../db/create-db';
import type { Logger } from '../logger';
import type { Publish } from './events';

/** What the catalog services need: the database, the hub's publish, and a logger for failed publishes. */
export type CatalogDeps = { db: Db; publish: Publish; logger?: Logger };
