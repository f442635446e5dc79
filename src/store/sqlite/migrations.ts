/**
 * Numbered schema migrations of the embedded SQLite database. Append only:
 * never edit a migration that has shipped; add the next number instead.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, keys, buckets, groups, workflows, usage",
    sql: `
      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        first TEXT,
        last TEXT,
        status TEXT NOT NULL CHECK (status IN ('admin', 'user')),
        created TEXT NOT NULL
      );

      -- API keys are stored as SHA-256 hashes (CONTRACT.md D4); prefix is for display.
      CREATE TABLE api_keys (
        hash TEXT PRIMARY KEY,
        prefix TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created TEXT NOT NULL
      );
      CREATE INDEX api_keys_by_account ON api_keys(account_id, created);

      -- One id sequence for buckets and groups (D3); AUTOINCREMENT never reuses an id.
      CREATE TABLE container_ids (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('bucket', 'group'))
      );

      CREATE TABLE buckets (
        id INTEGER PRIMARY KEY REFERENCES container_ids(id),
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        file_count INTEGER NOT NULL DEFAULT 0,
        file_bytes INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE INDEX buckets_by_account ON buckets(account_id, id);

      CREATE TABLE bucket_groups (
        id INTEGER PRIMARY KEY REFERENCES container_ids(id),
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE INDEX bucket_groups_by_account ON bucket_groups(account_id, id);

      CREATE TABLE group_members (
        group_id INTEGER NOT NULL REFERENCES bucket_groups(id) ON DELETE CASCADE,
        bucket_id INTEGER NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
        added TEXT NOT NULL,
        PRIMARY KEY (group_id, bucket_id)
      );
      CREATE INDEX group_members_by_bucket ON group_members(bucket_id);

      -- definition: the normalised WorkflowDefinition as JSON (extract/yaml kept verbatim).
      CREATE TABLE workflows (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        definition TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE INDEX workflows_by_account ON workflows(account_id, created);

      -- target_id 0 = the account itself, otherwise a bucket or group id.
      CREATE TABLE workflow_assignments (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        target_id INTEGER NOT NULL,
        workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, target_id)
      );
      CREATE INDEX workflow_assignments_by_workflow ON workflow_assignments(workflow_id);

      -- Usage meters, summed per minute: usage windows are minute-aligned (CONTRACT.md §10).
      CREATE TABLE usage_minutes (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        metric TEXT NOT NULL CHECK (metric IN ('searches', 'fileTokens')),
        minute INTEGER NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (account_id, metric, minute)
      );
    `,
  },
  {
    version: 2,
    name: "documents, processes, chunks, jobs",
    sql: `
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        bucket_id INTEGER NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
        process_id TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_type TEXT,
        declared_type TEXT,
        file_bytes INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT,
        origin_url TEXT,
        copied_from TEXT,
        process_level TEXT NOT NULL CHECK (process_level IN ('full', 'none')),
        filter TEXT,
        search_data TEXT,
        status TEXT NOT NULL,
        status_message TEXT,
        url_token TEXT NOT NULL,
        language TEXT,
        tokens INTEGER NOT NULL DEFAULT 0,
        chunk_count INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE INDEX documents_by_account ON documents(account_id, created, id);
      CREATE INDEX documents_by_bucket ON documents(bucket_id, created, id);
      CREATE INDEX documents_by_process ON documents(process_id);
      CREATE INDEX documents_by_hash ON documents(content_hash);

      -- Bucket aggregates follow the documents table, whatever deletes or inserts rows.
      CREATE TRIGGER documents_count_insert AFTER INSERT ON documents BEGIN
        UPDATE buckets SET file_count = file_count + 1, file_bytes = file_bytes + NEW.file_bytes WHERE id = NEW.bucket_id;
      END;
      CREATE TRIGGER documents_count_delete AFTER DELETE ON documents BEGIN
        UPDATE buckets SET file_count = file_count - 1, file_bytes = file_bytes - OLD.file_bytes WHERE id = OLD.bucket_id;
      END;
      CREATE TRIGGER documents_count_size AFTER UPDATE OF file_bytes ON documents BEGIN
        UPDATE buckets SET file_bytes = file_bytes - OLD.file_bytes + NEW.file_bytes WHERE id = NEW.bucket_id;
      END;

      -- seq is the integer IngestStatus.id; id the processId.
      CREATE TABLE processes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('ingest', 'update', 'copy', 'delete')),
        cancelled INTEGER NOT NULL DEFAULT 0,
        callback_url TEXT,
        callback_data TEXT,
        terminal_notified INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
      );
      CREATE INDEX processes_by_account ON processes(account_id, seq);

      -- One row per document a process covers, with that process's view of its status.
      -- snapshot: the DocumentDetail of a deleted document.
      CREATE TABLE process_items (
        process_id TEXT NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        document_id TEXT NOT NULL,
        status TEXT NOT NULL,
        status_message TEXT,
        snapshot TEXT,
        PRIMARY KEY (process_id, position)
      );
      CREATE INDEX process_items_by_document ON process_items(document_id);

      CREATE TABLE chunks (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        chunk_id TEXT NOT NULL,
        content_type TEXT NOT NULL,
        page_numbers TEXT NOT NULL,
        text TEXT NOT NULL,
        suggested_text TEXT NOT NULL,
        section_summary TEXT,
        data TEXT NOT NULL,
        PRIMARY KEY (document_id, idx)
      );

      -- The durable job queue. Times are epoch milliseconds.
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        group_key TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        run_after INTEGER NOT NULL,
        locked_by TEXT,
        locked_until INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        error_code TEXT,
        error_message TEXT,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL
      );
      CREATE INDEX jobs_ready ON jobs(state, run_after, created);
      CREATE INDEX jobs_by_group ON jobs(group_key, state);
      CREATE INDEX jobs_running ON jobs(state, locked_until);
    `,
  },
  {
    version: 3,
    name: "full-text index of chunks",
    sql: `
      -- BM25 over chunk text and weighted fields; porter stemming, diacritics folded.
      -- CJK text is indexed with spaces between ideographs (see search/query.ts).
      CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, suggested, section, title, keywords,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
        DELETE FROM chunks_fts WHERE rowid = OLD.rowid;
      END;
      CREATE INDEX documents_complete_by_bucket ON documents(bucket_id, status);
      -- Document-level enrichment shown with search results.
      ALTER TABLE documents ADD COLUMN file_summary TEXT;
      ALTER TABLE documents ADD COLUMN file_keywords TEXT;
    `,
  },
  {
    version: 5,
    name: "website crawls",
    sql: `
      -- How a document's original arrived: upload, remote, copy or crawl (a crawled page's
      -- sourceUrl is the page itself, D12).
      ALTER TABLE documents ADD COLUMN source_kind TEXT;
      -- Work of a process that is not a document yet (a crawl still discovering pages).
      ALTER TABLE processes ADD COLUMN pending_work INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 4,
    name: "presigned uploads",
    sql: `
      -- Presigned uploads (CONTRACT.md §14.3); the bytes live in the blob store under uploads/<id>.
      -- token: unguessable, authorises the PUT and the hosted URL. account_id: NULL when anonymous.
      -- expires: end of the upload window while pending, end of retention once stored.
      CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
        file_name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'stored')),
        bytes INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        expires TEXT NOT NULL
      );
      CREATE INDEX uploads_by_expiry ON uploads(expires);
    `,
  },
  {
    version: 6,
    name: "full-text vocabulary and bucket statistics",
    sql: `
      -- Per-term document counts of the full-text index, read without walking posting lists
      -- through the VM (search/analyze: document frequencies, the choice of lexical terms).
      CREATE VIRTUAL TABLE chunks_fts_vocab USING fts5vocab(chunks_fts, row);
      -- Covers the statistics of a searched bucket (count, chunks, latest update) without table reads.
      CREATE INDEX documents_bucket_stats ON documents(bucket_id, status, account_id, chunk_count, updated);
    `,
  },
  {
    version: 7,
    name: "full-text index state",
    sql: `
      -- The indexed chunk count and a version that moves with every change to the full-text index,
      -- kept by triggers: a search reads one row instead of counting the chunks, and knows when
      -- what it remembers of the index (its size, terms' frequencies) is out of date. Writes to
      -- other tables (usage meters, temporary tables) leave it alone.
      CREATE TABLE search_index_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        chunks INTEGER NOT NULL,
        version INTEGER NOT NULL
      );
      INSERT INTO search_index_state (id, chunks, version) SELECT 1, count(*), 0 FROM chunks;
      CREATE TRIGGER search_index_state_insert AFTER INSERT ON chunks BEGIN
        UPDATE search_index_state SET chunks = chunks + 1, version = version + 1 WHERE id = 1;
      END;
      CREATE TRIGGER search_index_state_delete AFTER DELETE ON chunks BEGIN
        UPDATE search_index_state SET chunks = chunks - 1, version = version + 1 WHERE id = 1;
      END;
      CREATE TRIGGER search_index_state_update AFTER UPDATE ON chunks BEGIN
        UPDATE search_index_state SET version = version + 1 WHERE id = 1;
      END;
    `,
  },
  {
    version: 8,
    name: "document changes move the search index version",
    sql: `
      -- A searched bucket's statistics (complete documents, their chunks, the latest update) are
      -- remembered until this version moves, so every change to a document must move it too.
      CREATE TRIGGER search_index_state_document_insert AFTER INSERT ON documents BEGIN
        UPDATE search_index_state SET version = version + 1 WHERE id = 1;
      END;
      CREATE TRIGGER search_index_state_document_update AFTER UPDATE ON documents BEGIN
        UPDATE search_index_state SET version = version + 1 WHERE id = 1;
      END;
      CREATE TRIGGER search_index_state_document_delete AFTER DELETE ON documents BEGIN
        UPDATE search_index_state SET version = version + 1 WHERE id = 1;
      END;
    `,
  },
  {
    version: 9,
    name: "log of changed chunks for in-memory indexes",
    sql: `
      -- Every chunk whose indexed fields or scope (document status, bucket, account, title) may have
      -- changed, in commit order: an in-memory copy of the full-text index (lexical-memory.ts)
      -- re-reads the chunks logged since it last looked instead of rebuilding. AUTOINCREMENT: a seq is
      -- never reused, so a reader that finds its next seq pruned away knows it must rebuild.
      CREATE TABLE search_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        chunk INTEGER NOT NULL
      );
      CREATE TRIGGER search_changes_chunk_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO search_changes (chunk) VALUES (NEW.rowid);
      END;
      CREATE TRIGGER search_changes_chunk_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO search_changes (chunk) VALUES (OLD.rowid);
      END;
      CREATE TRIGGER search_changes_chunk_update AFTER UPDATE ON chunks BEGIN
        INSERT INTO search_changes (chunk) VALUES (OLD.rowid);
        INSERT INTO search_changes (chunk) SELECT NEW.rowid WHERE NEW.rowid <> OLD.rowid;
      END;
      CREATE TRIGGER search_changes_document_update AFTER UPDATE OF status, bucket_id, account_id, file_name
        ON documents BEGIN
        INSERT INTO search_changes (chunk) SELECT rowid FROM chunks WHERE document_id = NEW.id;
      END;
      CREATE TRIGGER search_changes_document_delete BEFORE DELETE ON documents BEGIN
        INSERT INTO search_changes (chunk) SELECT rowid FROM chunks WHERE document_id = OLD.id;
      END;
      -- Bounded: the newest 500,000 changes are kept (a reader further behind rebuilds).
      CREATE TRIGGER search_changes_prune AFTER INSERT ON search_changes WHEN NEW.seq % 4096 = 0 BEGIN
        DELETE FROM search_changes WHERE seq <= NEW.seq - 500000;
      END;
    `,
  },
];
