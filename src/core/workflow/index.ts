/**
 * Workflow request validation and normalisation (CONTRACT.md §9): the schema for the routes,
 * the normalised model the server stores, and the compile/update/YAML helpers.
 */
export * from "./constants.js";
export {
  CustomWorkflowLeafFieldSchema,
  CustomWorkflowOutputRouteSchema,
  CustomWorkflowStepSchema,
  type WorkflowDetail,
  WorkflowDetailSchema,
  type WorkflowRequest,
  WorkflowRequestSchema,
  WorkflowStepsSchema,
} from "./schema.js";
export type * from "./types.js";
export { applyWorkflowUpdate, validateWorkflowRequest, validateWorkflowUpdate } from "./validate.js";
export { workflowToYaml } from "./yaml.js";
