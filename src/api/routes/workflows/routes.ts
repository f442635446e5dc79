import { isUuid } from "../../../core/ids.js";
import type { Workflow } from "../../../core/types.js";
import { validateWorkflowRequest, validateWorkflowUpdate } from "../../../core/workflow/index.js";
import { AppError } from "../../../errors/index.js";
import type { WorkflowTarget } from "../../../store/contracts/metadata-store.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { containerIdParam, resourceIdParam } from "../../params.js";
import { errorResponses, MessageResponse } from "../../schemas/common.js";
import { presentDefinition, presentWorkflow } from "./presenter.js";
import {
  WorkflowApplyBody,
  WorkflowGetQuery,
  WorkflowIdParams,
  WorkflowRequestSchema,
  WorkflowResponse,
  WorkflowsResponse,
} from "./schema.js";

const tags = ["Workflows"];
const workflowNotFound = (what: string) => new AppError("WORKFLOW_NOT_FOUND", what);

/**
 * CONTRACT.md §9: workflows are stored, validated and related to the account,
 * buckets and groups. Executing them belongs to the ingestion pipeline.
 */
export async function workflowRoutes(app: ApiInstance, { store }: ApiContext): Promise<void> {
  async function requireWorkflow(accountId: string, workflowId: string): Promise<Workflow> {
    if (!isUuid(workflowId))
      throw new AppError("MALFORMED_ID", `workflowId: must be a UUID (got "${workflowId}")`);
    const workflow = await store.getWorkflow(accountId, workflowId.toLowerCase());
    if (!workflow) throw workflowNotFound(`workflowId ${workflowId} was not found`);
    return workflow;
  }

  async function requireContainer(accountId: string, raw: string): Promise<number> {
    const id = containerIdParam(raw, "id");
    if (!(await store.resolveContainer(accountId, id))) {
      throw new AppError("CONTAINER_NOT_FOUND", `id: no bucket or group ${id} in this account`);
    }
    return id;
  }

  async function assign(accountId: string, target: WorkflowTarget, workflowId: string): Promise<void> {
    await requireWorkflow(accountId, workflowId);
    await store.assignWorkflow(accountId, target, workflowId.toLowerCase());
  }

  app.get(
    "/workflow",
    {
      schema: {
        tags,
        summary: "List workflows (summary rows)",
        response: { 200: WorkflowsResponse, ...errorResponses },
      },
    },
    async (request) => ({
      workflows: (await store.listWorkflows(request.account.id)).map((w) =>
        presentWorkflow(w, { metadataOnly: true }),
      ),
    }),
  );

  app.post(
    "/workflow",
    {
      config: { keepNulls: true },
      schema: {
        tags,
        summary: "Create a workflow",
        body: WorkflowRequestSchema,
        response: { 200: WorkflowResponse, ...errorResponses },
      },
    },
    async (request) => {
      const definition = validateWorkflowRequest(request.body ?? {});
      return { workflow: presentWorkflow(await store.createWorkflow(request.account.id, definition)) };
    },
  );

  app.post(
    "/workflow/validate",
    {
      config: { keepNulls: true },
      schema: {
        tags,
        summary: "Validate and compile a workflow without storing it",
        body: WorkflowRequestSchema,
        response: { 200: WorkflowResponse, ...errorResponses },
      },
    },
    async (request) => ({ workflow: presentDefinition(validateWorkflowRequest(request.body ?? {})) }),
  );

  app.get(
    "/workflow/relationship",
    {
      schema: {
        tags,
        summary: "The workflow assigned to the account",
        response: { 200: WorkflowResponse, ...errorResponses },
      },
    },
    async (request) => {
      const workflow = await store.getAssignedWorkflow(request.account.id, "account");
      if (!workflow) throw workflowNotFound("No workflow is assigned to this account");
      return { workflow: presentWorkflow(workflow) };
    },
  );

  app.post(
    "/workflow/relationship",
    {
      schema: {
        tags,
        summary: "Assign a workflow to the account",
        body: WorkflowApplyBody,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      await assign(request.account.id, "account", request.body.workflowId);
      return { message: `Workflow ${request.body.workflowId} assigned to the account` };
    },
  );

  app.delete(
    "/workflow/relationship",
    {
      schema: {
        tags,
        summary: "Unassign the account's workflow",
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const removed = await store.unassignWorkflow(request.account.id, "account");
      return {
        message: removed ? "Workflow unassigned from the account" : "No workflow was assigned to the account",
      };
    },
  );

  app.post(
    "/workflow/relationship/:id",
    {
      schema: {
        tags,
        summary: "Assign a workflow to a bucket or group",
        params: WorkflowIdParams,
        body: WorkflowApplyBody,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const id = await requireContainer(request.account.id, request.params.id);
      await assign(request.account.id, id, request.body.workflowId);
      return { message: `Workflow ${request.body.workflowId} assigned to ${id}` };
    },
  );

  app.delete(
    "/workflow/relationship/:id",
    {
      schema: {
        tags,
        summary: "Unassign the workflow of a bucket or group",
        params: WorkflowIdParams,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const id = await requireContainer(request.account.id, request.params.id);
      const removed = await store.unassignWorkflow(request.account.id, id);
      return { message: removed ? `Workflow unassigned from ${id}` : `No workflow was assigned to ${id}` };
    },
  );

  app.get(
    "/workflow/:id",
    {
      schema: {
        tags,
        summary: "Get a workflow by workflowId, or the one assigned to a bucket or group",
        params: WorkflowIdParams,
        querystring: WorkflowGetQuery,
        response: { 200: WorkflowResponse, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.account.id;
      const view = { metadataOnly: request.query.metadataOnly, format: request.query.format };
      const id = resourceIdParam(request.params.id, "id");
      if (id.kind === "uuid") {
        return { workflow: presentWorkflow(await requireWorkflow(accountId, id.value), view) };
      }
      await requireContainer(accountId, request.params.id);
      const workflow = await store.getAssignedWorkflow(accountId, id.value);
      if (!workflow) throw workflowNotFound(`No workflow is assigned to ${id.value}`);
      return { workflow: presentWorkflow(workflow, { ...view, lookedUpBy: id.value }) };
    },
  );

  app.put(
    "/workflow/:id",
    {
      config: { keepNulls: true },
      schema: {
        tags,
        summary: "Replace a workflow (overlay on the defaults; template merges)",
        params: WorkflowIdParams,
        body: WorkflowRequestSchema,
        response: { 200: WorkflowResponse, ...errorResponses },
      },
    },
    async (request) => {
      const accountId = request.account.id;
      const stored = await requireWorkflow(accountId, request.params.id);
      const definition = validateWorkflowUpdate(request.body ?? {}, stored.definition);
      const updated = await store.replaceWorkflow(accountId, stored.id, definition);
      if (!updated) throw workflowNotFound(`workflowId ${request.params.id} was not found`);
      return { workflow: presentWorkflow(updated) };
    },
  );

  app.delete(
    "/workflow/:id",
    {
      schema: {
        tags,
        summary: "Delete a workflow",
        params: WorkflowIdParams,
        response: { 200: MessageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const workflow = await requireWorkflow(request.account.id, request.params.id);
      await store.deleteWorkflow(request.account.id, workflow.id);
      return { message: `Workflow ${workflow.id} deleted` };
    },
  );
}
