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

/**
 * The metadata store: accounts, API keys, buckets, groups, workflows and usage
 * meters. Every operation on an account's resources takes the `accountId` and
 * only ever sees that account's rows: tenant isolation lives here, not in the
 * routes.
 *
 * The contract is asynchronous and exposes no connection or transaction, so a
 * PostgreSQL adapter can implement it and pass the same suite
 * (`test/contracts/metadata-store.contract.ts`). Lookups return `undefined` for
 * "not in this account"; mutations of a missing resource return `undefined` or
 * `false` and change nothing.
 */
export interface MetadataStore {
  /** A cheap round trip (health probe). */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Accounts and API keys
  createAccount(input: NewAccount): Promise<Account>;
  /** Create an account together with its first API key, atomically. */
  createAccountWithKey(input: NewAccount, key: NewApiKey): Promise<{ account: Account; key: ApiKeyRecord }>;
  getAccount(accountId: string): Promise<Account | undefined>;
  countAccounts(): Promise<number>;
  /** Resolve an API key hash to its account; `undefined` when unknown or deleted. */
  findAccountByKeyHash(hash: string): Promise<{ account: Account; key: ApiKeyRecord } | undefined>;
  createApiKey(accountId: string, key: NewApiKey): Promise<ApiKeyRecord>;
  listApiKeys(accountId: string): Promise<readonly ApiKeyRecord[]>;
  renameApiKey(accountId: string, hash: string, name: string): Promise<ApiKeyRecord | undefined>;
  deleteApiKey(accountId: string, hash: string): Promise<boolean>;

  // Buckets (ids from the sequence shared with groups, CONTRACT.md D3)
  createBucket(accountId: string, name: string): Promise<Bucket>;
  getBucket(accountId: string, bucketId: number): Promise<Bucket | undefined>;
  listBuckets(accountId: string, page: PageRequest): Promise<Page<Bucket>>;
  renameBucket(accountId: string, bucketId: number, name: string): Promise<Bucket | undefined>;
  /** Delete a bucket, its group memberships and workflow assignments. */
  deleteBucket(accountId: string, bucketId: number): Promise<boolean>;

  // Groups
  /** Create a group; with `bucketName`, also a new bucket that becomes its member. */
  createGroup(accountId: string, name: string, bucketName?: string): Promise<Group>;
  getGroup(accountId: string, groupId: number): Promise<Group | undefined>;
  listGroups(accountId: string, page: PageRequest): Promise<Page<Group>>;
  renameGroup(accountId: string, groupId: number, name: string): Promise<Group | undefined>;
  /** Delete a group; its member buckets are kept. */
  deleteGroup(accountId: string, groupId: number): Promise<boolean>;
  /** Idempotent: adding a member twice is not an error. */
  addBucketToGroup(accountId: string, groupId: number, bucketId: number): Promise<void>;
  /** Idempotent: removing a non-member is not an error. */
  removeBucketFromGroup(accountId: string, groupId: number, bucketId: number): Promise<void>;
  /** Whether an integer id is one of the account's buckets or groups. */
  resolveContainer(accountId: string, id: number): Promise<"bucket" | "group" | undefined>;

  // Workflows
  createWorkflow(accountId: string, definition: WorkflowDefinition): Promise<Workflow>;
  getWorkflow(accountId: string, workflowId: string): Promise<Workflow | undefined>;
  listWorkflows(accountId: string): Promise<readonly Workflow[]>;
  replaceWorkflow(
    accountId: string,
    workflowId: string,
    definition: WorkflowDefinition,
  ): Promise<Workflow | undefined>;
  /** Delete a workflow and every assignment of it. */
  deleteWorkflow(accountId: string, workflowId: string): Promise<boolean>;
  /** Assign a workflow to the account (`target` = "account") or to a bucket/group id; replaces any previous one. */
  assignWorkflow(accountId: string, target: WorkflowTarget, workflowId: string): Promise<void>;
  /** Remove the assignment of `target`; returns whether one existed. */
  unassignWorkflow(accountId: string, target: WorkflowTarget): Promise<boolean>;
  /** The workflow directly assigned to `target`, if any. */
  getAssignedWorkflow(accountId: string, target: WorkflowTarget): Promise<Workflow | undefined>;

  // Usage meters
  recordUsage(accountId: string, metric: UsageMetric, amount: number, at: Date): Promise<void>;
  /** Sum of `metric` over `[start, end)`. */
  sumUsage(accountId: string, metric: UsageMetric, start: Date, end: Date): Promise<number>;
}

export interface NewAccount {
  readonly email: string;
  readonly first?: string | undefined;
  readonly last?: string | undefined;
  readonly status: AccountStatus;
}

export interface NewApiKey {
  readonly hash: string;
  readonly prefix: string;
  readonly name: string;
}

export type WorkflowTarget = "account" | number;
