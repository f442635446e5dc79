import { Type } from "typebox";
import { WorkflowDetailSchema, WorkflowRequestSchema } from "../../../core/workflow/index.js";

export { WorkflowRequestSchema };

export const WorkflowResponse = Type.Object({ workflow: WorkflowDetailSchema });
export const WorkflowsResponse = Type.Object({ workflows: Type.Array(WorkflowDetailSchema) });

export const WorkflowApplyBody = Type.Object({ workflowId: Type.String({ minLength: 1 }) });

export const WorkflowIdParams = Type.Object({
  id: Type.String({ description: "workflowId (UUID), or a bucketId or groupId (integer) for GET" }),
});

export const WorkflowGetQuery = Type.Object({
  format: Type.Optional(
    Type.Enum(["json", "yaml"], { description: "yaml adds the workflow as YAML in `yaml`" }),
  ),
  metadataOnly: Type.Optional(
    Type.Boolean({ description: "Only workflowId, name, updatedAt and relationships" }),
  ),
});
