import path from "node:path";
import type { Config } from "../config/index.js";
import type { MetadataStore } from "./contracts/metadata-store.js";
import { openDatabase } from "./sqlite/database.js";
import { SqliteMetadataStore } from "./sqlite/metadata-store.js";

export interface Stores {
  readonly metadata: MetadataStore;
}

/** Database file of the embedded default, under the data directory. */
export function databasePath(config: Pick<Config, "dataDir">): string {
  return path.join(config.dataDir, "openground.db");
}

/** Open the configured stores (today: the embedded SQLite default). */
export function createStores(config: Pick<Config, "dataDir">): Stores {
  return { metadata: new SqliteMetadataStore(openDatabase(databasePath(config))) };
}
