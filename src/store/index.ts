import path from "node:path";
import type { Config } from "../config/index.js";
import type { BlobStore } from "./contracts/blob-store.js";
import type { DocumentStore } from "./contracts/document-store.js";
import type { JobQueue } from "./contracts/job-queue.js";
import type { MetadataStore } from "./contracts/metadata-store.js";
import type { SearchIndex } from "./contracts/search-index.js";
import type { VectorIndex, VectorModel } from "./contracts/vector-index.js";
import { FsBlobStore } from "./fs/blob-store.js";
import { openDatabase } from "./sqlite/database.js";
import { SqliteDocumentStore } from "./sqlite/document-store.js";
import { SqliteJobQueue } from "./sqlite/job-queue.js";
import { SqliteMetadataStore } from "./sqlite/metadata-store.js";
import { SqliteSearchIndex } from "./sqlite/search-index.js";
import { SqliteVectorIndex } from "./sqlite/vector-index.js";

export interface Stores {
  readonly metadata: MetadataStore;
  readonly documents: DocumentStore;
  readonly queue: JobQueue;
  readonly blobs: BlobStore;
  readonly search: SearchIndex;
  /** Dense retrieval, when a vector model is configured. */
  readonly vectors: VectorIndex | undefined;
  close(): Promise<void>;
}

/** Database file of the embedded default, under the data directory. */
export function databasePath(config: Pick<Config, "dataDir">): string {
  return path.join(config.dataDir, "openground.db");
}

/** Open the configured stores: today the embedded default, one SQLite file plus files under the data directory. */
export function createStores(
  config: Pick<Config, "dataDir"> & { readonly search?: Pick<Config["search"], "memoryChunks"> },
  vectorModel?: VectorModel,
): Stores {
  const db = openDatabase(databasePath(config));
  const metadata = new SqliteMetadataStore(db);
  const file = databasePath(config);
  const vectors = vectorModel ? new SqliteVectorIndex(db, vectorModel, { file }) : undefined;
  const documents = new SqliteDocumentStore(db, vectors?.tables);
  const memoryChunks = config.search?.memoryChunks ?? 1_000_000;
  const search = new SqliteSearchIndex(db, documents, {
    file,
    memoryLexical: memoryChunks > 0 ? { maxChunks: memoryChunks } : false,
  });
  return {
    metadata,
    documents,
    vectors,
    search,
    queue: new SqliteJobQueue(db),
    blobs: new FsBlobStore(path.join(config.dataDir, "files")),
    close: async () => {
      await Promise.all([vectors?.close(), search.close()]);
      await metadata.close();
    },
  };
}
