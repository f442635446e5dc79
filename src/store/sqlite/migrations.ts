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
];
