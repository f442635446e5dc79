import { newUuid } from "../../core/ids.js";
import type {
  Account,
  AccountStatus,
  ApiKeyRecord,
  Bucket,
  Group,
  Page,
  PageRequest,
  UsageMetric,
  Workflow,
} from "../../core/types.js";
import type { WorkflowDefinition } from "../../core/workflow/index.js";
import type { MetadataStore, NewAccount, NewApiKey, WorkflowTarget } from "../contracts/metadata-store.js";
import type { SqliteDatabase } from "./database.js";

interface AccountRow {
  id: string;
  email: string;
  first: string | null;
  last: string | null;
  status: AccountStatus;
  created: string;
}
interface KeyRow {
  hash: string;
  prefix: string;
  account_id: string;
  name: string;
  created: string;
}
interface BucketRow {
  id: number;
  account_id: string;
  name: string;
  file_count: number;
  file_bytes: number;
  created: string;
  updated: string;
}
interface GroupRow {
  id: number;
  account_id: string;
  name: string;
  created: string;
  updated: string;
}
interface WorkflowRow {
  id: string;
  account_id: string;
  definition: string;
  created: string;
  updated: string;
}

const ACCOUNT_TARGET = 0;

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  email: r.email,
  first: r.first ?? undefined,
  last: r.last ?? undefined,
  status: r.status,
  created: new Date(r.created),
});
const toKey = (r: KeyRow): ApiKeyRecord => ({
  hash: r.hash,
  prefix: r.prefix,
  accountId: r.account_id,
  name: r.name,
  created: new Date(r.created),
});
const toBucket = (r: BucketRow): Bucket => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  fileCount: r.file_count,
  fileBytes: r.file_bytes,
  created: new Date(r.created),
  updated: new Date(r.updated),
});
const targetId = (target: WorkflowTarget): number => (target === "account" ? ACCOUNT_TARGET : target);

/** Longest time a search count waits in memory before it is written (see `recordUsage`). */
const USAGE_FLUSH_MS = 1000;

/**
 * {@link MetadataStore} on the embedded SQLite database (better-sqlite3). Calls
 * are synchronous underneath; the async contract keeps adapters swappable.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly #db: SqliteDatabase;
  readonly #pendingUsage = new Map<
    string,
    { accountId: string; metric: UsageMetric; minute: number; value: number }
  >();
  #usageTimer: NodeJS.Timeout | undefined;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async ping(): Promise<void> {
    this.#db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    this.#flushUsage();
    if (this.#db.open) this.#db.close();
  }

  // ── Accounts and keys ────────────────────────────────────────────────────

  #insertAccount(input: NewAccount): Account {
    const row: AccountRow = {
      id: newUuid(),
      email: input.email,
      first: input.first ?? null,
      last: input.last ?? null,
      status: input.status,
      created: new Date().toISOString(),
    };
    this.#db
      .prepare("INSERT INTO accounts (id, email, first, last, status, created) VALUES (?, ?, ?, ?, ?, ?)")
      .run(row.id, row.email, row.first, row.last, row.status, row.created);
    return toAccount(row);
  }

  #insertKey(accountId: string, key: NewApiKey): ApiKeyRecord {
    const row: KeyRow = { ...key, account_id: accountId, created: new Date().toISOString() };
    this.#db
      .prepare("INSERT INTO api_keys (hash, prefix, account_id, name, created) VALUES (?, ?, ?, ?, ?)")
      .run(row.hash, row.prefix, row.account_id, row.name, row.created);
    return toKey(row);
  }

  async createAccount(input: NewAccount): Promise<Account> {
    return this.#insertAccount(input);
  }

  async createAccountWithKey(
    input: NewAccount,
    key: NewApiKey,
  ): Promise<{ account: Account; key: ApiKeyRecord }> {
    return this.#db.transaction(() => {
      const account = this.#insertAccount(input);
      return { account, key: this.#insertKey(account.id, key) };
    })();
  }

  async getAccount(accountId: string): Promise<Account | undefined> {
    const row = this.#db.prepare("SELECT * FROM accounts WHERE id = ?").get(accountId) as
      | AccountRow
      | undefined;
    return row && toAccount(row);
  }

  async countAccounts(): Promise<number> {
    return (this.#db.prepare("SELECT count(*) AS n FROM accounts").get() as { n: number }).n;
  }

  async findAccountByKeyHash(hash: string): Promise<{ account: Account; key: ApiKeyRecord } | undefined> {
    const key = this.#db.prepare("SELECT * FROM api_keys WHERE hash = ?").get(hash) as KeyRow | undefined;
    if (!key) return undefined;
    const account = await this.getAccount(key.account_id);
    return account && { account, key: toKey(key) };
  }

  async createApiKey(accountId: string, key: NewApiKey): Promise<ApiKeyRecord> {
    return this.#insertKey(accountId, key);
  }

  async listApiKeys(accountId: string): Promise<readonly ApiKeyRecord[]> {
    const rows = this.#db
      .prepare("SELECT * FROM api_keys WHERE account_id = ? ORDER BY created, hash")
      .all(accountId) as KeyRow[];
    return rows.map(toKey);
  }

  async renameApiKey(accountId: string, hash: string, name: string): Promise<ApiKeyRecord | undefined> {
    const row = this.#db
      .prepare("UPDATE api_keys SET name = ? WHERE account_id = ? AND hash = ? RETURNING *")
      .get(name, accountId, hash) as KeyRow | undefined;
    return row && toKey(row);
  }

  async deleteApiKey(accountId: string, hash: string): Promise<boolean> {
    return (
      this.#db.prepare("DELETE FROM api_keys WHERE account_id = ? AND hash = ?").run(accountId, hash)
        .changes > 0
    );
  }

  // ── Buckets ──────────────────────────────────────────────────────────────

  #nextContainerId(kind: "bucket" | "group"): number {
    return Number(this.#db.prepare("INSERT INTO container_ids (kind) VALUES (?)").run(kind).lastInsertRowid);
  }

  #insertBucket(accountId: string, name: string): Bucket {
    const now = new Date().toISOString();
    const id = this.#nextContainerId("bucket");
    const row = this.#db
      .prepare(
        "INSERT INTO buckets (id, account_id, name, created, updated) VALUES (?, ?, ?, ?, ?) RETURNING *",
      )
      .get(id, accountId, name, now, now) as BucketRow;
    return toBucket(row);
  }

  async createBucket(accountId: string, name: string): Promise<Bucket> {
    return this.#db.transaction(() => this.#insertBucket(accountId, name))();
  }

  async getBucket(accountId: string, bucketId: number): Promise<Bucket | undefined> {
    const row = this.#db
      .prepare("SELECT * FROM buckets WHERE account_id = ? AND id = ?")
      .get(accountId, bucketId) as BucketRow | undefined;
    return row && toBucket(row);
  }

  async listBuckets(accountId: string, page: PageRequest): Promise<Page<Bucket>> {
    return this.#db.transaction(() => {
      const rows = this.#db
        .prepare("SELECT * FROM buckets WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?")
        .all(accountId, page.afterId, page.limit) as BucketRow[];
      return this.#page("buckets", accountId, rows.map(toBucket));
    })();
  }

  /** Totals for a keyset page; `table` is one of our own table names, never user input. */
  #page<T extends { id: number }>(
    table: "buckets" | "bucket_groups",
    accountId: string,
    items: T[],
  ): Page<T> {
    const total = (
      this.#db.prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?`).get(accountId) as {
        n: number;
      }
    ).n;
    const last = items.at(-1);
    const remaining = last
      ? (
          this.#db
            .prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ? AND id > ?`)
            .get(accountId, last.id) as {
            n: number;
          }
        ).n
      : 0;
    return { items, total, remaining };
  }

  async renameBucket(accountId: string, bucketId: number, name: string): Promise<Bucket | undefined> {
    const row = this.#db
      .prepare("UPDATE buckets SET name = ?, updated = ? WHERE account_id = ? AND id = ? RETURNING *")
      .get(name, new Date().toISOString(), accountId, bucketId) as BucketRow | undefined;
    return row && toBucket(row);
  }

  async deleteBucket(accountId: string, bucketId: number): Promise<boolean> {
    return this.#db.transaction(() => {
      const deleted = this.#db
        .prepare("DELETE FROM buckets WHERE account_id = ? AND id = ?")
        .run(accountId, bucketId);
      if (deleted.changes === 0) return false;
      // group_members rows go with the bucket (ON DELETE CASCADE); assignments have no FK to buckets.
      this.#db
        .prepare("DELETE FROM workflow_assignments WHERE account_id = ? AND target_id = ?")
        .run(accountId, bucketId);
      return true;
    })();
  }

  // ── Groups ───────────────────────────────────────────────────────────────

  #membersOf(groupIds: readonly number[]): Map<number, Bucket[]> {
    const members = new Map<number, Bucket[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return members;
    const rows = this.#db
      .prepare(
        `SELECT m.group_id AS group_id, b.* FROM group_members m JOIN buckets b ON b.id = m.bucket_id
         WHERE m.group_id IN (SELECT value FROM json_each(?)) ORDER BY m.group_id, b.id`,
      )
      .all(JSON.stringify(groupIds)) as (BucketRow & { group_id: number })[];
    for (const row of rows) members.get(row.group_id)?.push(toBucket(row));
    return members;
  }

  #toGroups(rows: readonly GroupRow[]): Group[] {
    const members = this.#membersOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      name: r.name,
      buckets: members.get(r.id) ?? [],
      created: new Date(r.created),
      updated: new Date(r.updated),
    }));
  }

  #groupRow(accountId: string, groupId: number): GroupRow | undefined {
    return this.#db
      .prepare("SELECT * FROM bucket_groups WHERE account_id = ? AND id = ?")
      .get(accountId, groupId) as GroupRow | undefined;
  }

  async createGroup(accountId: string, name: string, bucketName?: string): Promise<Group> {
    return this.#db.transaction(() => {
      const now = new Date().toISOString();
      const id = this.#nextContainerId("group");
      const row = this.#db
        .prepare(
          "INSERT INTO bucket_groups (id, account_id, name, created, updated) VALUES (?, ?, ?, ?, ?) RETURNING *",
        )
        .get(id, accountId, name, now, now) as GroupRow;
      if (bucketName !== undefined) {
        const bucket = this.#insertBucket(accountId, bucketName);
        this.#db
          .prepare("INSERT INTO group_members (group_id, bucket_id, added) VALUES (?, ?, ?)")
          .run(id, bucket.id, now);
      }
      return this.#toGroups([row])[0] as Group;
    })();
  }

  async getGroup(accountId: string, groupId: number): Promise<Group | undefined> {
    return this.#db.transaction(() => {
      const row = this.#groupRow(accountId, groupId);
      return row && this.#toGroups([row])[0];
    })();
  }

  async listGroups(accountId: string, page: PageRequest): Promise<Page<Group>> {
    return this.#db.transaction(() => {
      const rows = this.#db
        .prepare("SELECT * FROM bucket_groups WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?")
        .all(accountId, page.afterId, page.limit) as GroupRow[];
      return this.#page("bucket_groups", accountId, this.#toGroups(rows));
    })();
  }

  async renameGroup(accountId: string, groupId: number, name: string): Promise<Group | undefined> {
    return this.#db.transaction(() => {
      const row = this.#db
        .prepare("UPDATE bucket_groups SET name = ?, updated = ? WHERE account_id = ? AND id = ? RETURNING *")
        .get(name, new Date().toISOString(), accountId, groupId) as GroupRow | undefined;
      return row && this.#toGroups([row])[0];
    })();
  }

  async deleteGroup(accountId: string, groupId: number): Promise<boolean> {
    return this.#db.transaction(() => {
      const deleted = this.#db
        .prepare("DELETE FROM bucket_groups WHERE account_id = ? AND id = ?")
        .run(accountId, groupId);
      if (deleted.changes === 0) return false;
      this.#db
        .prepare("DELETE FROM workflow_assignments WHERE account_id = ? AND target_id = ?")
        .run(accountId, groupId);
      return true;
    })();
  }

  async addBucketToGroup(accountId: string, groupId: number, bucketId: number): Promise<void> {
    this.#db.transaction(() => {
      if (!this.#groupRow(accountId, groupId)) return;
      const bucket = this.#db
        .prepare("SELECT id FROM buckets WHERE account_id = ? AND id = ?")
        .get(accountId, bucketId);
      if (!bucket) return;
      const now = new Date().toISOString();
      const added = this.#db
        .prepare("INSERT OR IGNORE INTO group_members (group_id, bucket_id, added) VALUES (?, ?, ?)")
        .run(groupId, bucketId, now);
      if (added.changes > 0)
        this.#db.prepare("UPDATE bucket_groups SET updated = ? WHERE id = ?").run(now, groupId);
    })();
  }

  async removeBucketFromGroup(accountId: string, groupId: number, bucketId: number): Promise<void> {
    this.#db.transaction(() => {
      if (!this.#groupRow(accountId, groupId)) return;
      const removed = this.#db
        .prepare("DELETE FROM group_members WHERE group_id = ? AND bucket_id = ?")
        .run(groupId, bucketId);
      if (removed.changes > 0) {
        this.#db
          .prepare("UPDATE bucket_groups SET updated = ? WHERE id = ?")
          .run(new Date().toISOString(), groupId);
      }
    })();
  }

  async resolveContainer(accountId: string, id: number): Promise<"bucket" | "group" | undefined> {
    const row = this.#db
      .prepare(
        `SELECT 'bucket' AS kind FROM buckets WHERE account_id = @accountId AND id = @id
         UNION ALL SELECT 'group' FROM bucket_groups WHERE account_id = @accountId AND id = @id`,
      )
      .get({ accountId, id }) as { kind: "bucket" | "group" } | undefined;
    return row?.kind;
  }

  // ── Workflows ────────────────────────────────────────────────────────────

  #toWorkflows(rows: readonly WorkflowRow[]): Workflow[] {
    if (rows.length === 0) return [];
    const assignments = this.#db
      .prepare(
        `SELECT workflow_id, target_id FROM workflow_assignments
         WHERE workflow_id IN (SELECT value FROM json_each(?)) ORDER BY target_id`,
      )
      .all(JSON.stringify(rows.map((r) => r.id))) as { workflow_id: string; target_id: number }[];
    return rows.map((r) => {
      const targets = assignments.filter((a) => a.workflow_id === r.id).map((a) => a.target_id);
      return {
        id: r.id,
        accountId: r.account_id,
        definition: JSON.parse(r.definition) as WorkflowDefinition,
        relationships: {
          account: targets.includes(ACCOUNT_TARGET),
          ids: targets.filter((t) => t !== ACCOUNT_TARGET),
        },
        created: new Date(r.created),
        updated: new Date(r.updated),
      };
    });
  }

  #workflowRow(accountId: string, workflowId: string): WorkflowRow | undefined {
    return this.#db
      .prepare("SELECT * FROM workflows WHERE account_id = ? AND id = ?")
      .get(accountId, workflowId) as WorkflowRow | undefined;
  }

  async createWorkflow(accountId: string, definition: WorkflowDefinition): Promise<Workflow> {
    const now = new Date().toISOString();
    const row = this.#db
      .prepare(
        "INSERT INTO workflows (id, account_id, definition, created, updated) VALUES (?, ?, ?, ?, ?) RETURNING *",
      )
      .get(newUuid(), accountId, JSON.stringify(definition), now, now) as WorkflowRow;
    return this.#toWorkflows([row])[0] as Workflow;
  }

  async getWorkflow(accountId: string, workflowId: string): Promise<Workflow | undefined> {
    return this.#db.transaction(() => {
      const row = this.#workflowRow(accountId, workflowId);
      return row && this.#toWorkflows([row])[0];
    })();
  }

  async listWorkflows(accountId: string): Promise<readonly Workflow[]> {
    return this.#db.transaction(() => {
      const rows = this.#db
        .prepare("SELECT * FROM workflows WHERE account_id = ? ORDER BY created, id")
        .all(accountId) as WorkflowRow[];
      return this.#toWorkflows(rows);
    })();
  }

  async replaceWorkflow(
    accountId: string,
    workflowId: string,
    definition: WorkflowDefinition,
  ): Promise<Workflow | undefined> {
    return this.#db.transaction(() => {
      const row = this.#db
        .prepare(
          "UPDATE workflows SET definition = ?, updated = ? WHERE account_id = ? AND id = ? RETURNING *",
        )
        .get(JSON.stringify(definition), new Date().toISOString(), accountId, workflowId) as
        | WorkflowRow
        | undefined;
      return row && this.#toWorkflows([row])[0];
    })();
  }

  async deleteWorkflow(accountId: string, workflowId: string): Promise<boolean> {
    // workflow_assignments rows go with it (ON DELETE CASCADE).
    return (
      this.#db.prepare("DELETE FROM workflows WHERE account_id = ? AND id = ?").run(accountId, workflowId)
        .changes > 0
    );
  }

  async assignWorkflow(accountId: string, target: WorkflowTarget, workflowId: string): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO workflow_assignments (account_id, target_id, workflow_id)
         SELECT @accountId, @target, id FROM workflows WHERE account_id = @accountId AND id = @workflowId
         ON CONFLICT (account_id, target_id) DO UPDATE SET workflow_id = excluded.workflow_id`,
      )
      .run({ accountId, target: targetId(target), workflowId });
  }

  async unassignWorkflow(accountId: string, target: WorkflowTarget): Promise<boolean> {
    return (
      this.#db
        .prepare("DELETE FROM workflow_assignments WHERE account_id = ? AND target_id = ?")
        .run(accountId, targetId(target)).changes > 0
    );
  }

  async getAssignedWorkflow(accountId: string, target: WorkflowTarget): Promise<Workflow | undefined> {
    return this.#db.transaction(() => {
      const row = this.#db
        .prepare(
          `SELECT w.* FROM workflow_assignments a JOIN workflows w ON w.id = a.workflow_id
           WHERE a.account_id = ? AND a.target_id = ?`,
        )
        .get(accountId, targetId(target)) as WorkflowRow | undefined;
      return row && this.#toWorkflows([row])[0];
    })();
  }

  // ── Usage ────────────────────────────────────────────────────────────────

  /**
   * `searches` increments are added up in memory and written at most once per {@link USAGE_FLUSH_MS}
   * (and before any read of the meters, and at close). A search used to write its increment in a
   * transaction of its own, and every commit makes the search threads' read connections drop their
   * page cache (SQLite does so whenever the database changed): a read-only request should not write.
   * The cost: a crash loses at most the last second's search counts. Other meters (`fileTokens`, from
   * ingestion, which writes anyway) are written at once, so a crash never loses them.
   */
  async recordUsage(accountId: string, metric: UsageMetric, amount: number, at: Date): Promise<void> {
    if (!Number.isFinite(amount) || amount <= 0) return;
    const minute = Math.floor(at.getTime() / 60_000);
    if (metric !== "searches") {
      this.#upsertUsage().run(accountId, metric, minute, Math.round(amount), accountId);
      return;
    }
    const key = `${accountId}\u0000${metric}\u0000${minute}`;
    const pending = this.#pendingUsage.get(key);
    if (pending) pending.value += Math.round(amount);
    else this.#pendingUsage.set(key, { accountId, metric, minute, value: Math.round(amount) });
    this.#scheduleUsageFlush();
  }

  #scheduleUsageFlush(): void {
    if (this.#usageTimer) return;
    this.#usageTimer = setTimeout(() => {
      try {
        this.#flushUsage();
      } catch {
        this.#scheduleUsageFlush(); // e.g. the database was busy: the increments were kept, try again
      }
    }, USAGE_FLUSH_MS);
    this.#usageTimer.unref?.();
  }

  /** Add to a meter; an account deleted meanwhile takes its increments with it (as it took its meters). */
  #upsertUsage() {
    return this.#db.prepare(
      `INSERT INTO usage_minutes (account_id, metric, minute, value)
       SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?)
       ON CONFLICT (account_id, metric, minute) DO UPDATE SET value = value + excluded.value`,
    );
  }

  /** Write the pending usage increments in one transaction; on failure they stay pending. */
  #flushUsage(): void {
    if (this.#usageTimer) clearTimeout(this.#usageTimer);
    this.#usageTimer = undefined;
    if (this.#pendingUsage.size === 0 || !this.#db.open) return;
    const rows = [...this.#pendingUsage.values()];
    const upsert = this.#upsertUsage();
    this.#db.transaction(() => {
      for (const r of rows) upsert.run(r.accountId, r.metric, r.minute, r.value, r.accountId);
    })();
    this.#pendingUsage.clear();
  }

  async sumUsage(accountId: string, metric: UsageMetric, start: Date, end: Date): Promise<number> {
    this.#flushUsage();
    const row = this.#db
      .prepare(
        `SELECT coalesce(sum(value), 0) AS total FROM usage_minutes
         WHERE account_id = ? AND metric = ? AND minute >= ? AND minute < ?`,
      )
      .get(accountId, metric, Math.ceil(start.getTime() / 60_000), Math.ceil(end.getTime() / 60_000)) as {
      total: number;
    };
    return row.total;
  }
}
