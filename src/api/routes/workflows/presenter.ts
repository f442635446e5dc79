import { toRfc3339 } from "../../../core/format.js";
import type { Workflow } from "../../../core/types.js";
import { type WorkflowDefinition, workflowToYaml } from "../../../core/workflow/index.js";

export interface WorkflowView {
  /** Only workflowId, name, updatedAt, relationships (list rows, `metadataOnly`). */
  readonly metadataOnly?: boolean;
  /** "yaml": add the workflow's YAML (the authored text verbatim when there is one). */
  readonly format?: "json" | "yaml";
  /** The bucket/group id the workflow was looked up by. */
  readonly lookedUpBy?: number;
}

/** The settings of a definition as WorkflowDetail fields (no `yaml`: it is shown only on request). */
export function presentDefinition(definition: WorkflowDefinition) {
  const { yaml: _authored, ...settings } = definition;
  return settings;
}

/** WorkflowDetail (CONTRACT.md §2.8). */
export function presentWorkflow(workflow: Workflow, view: WorkflowView = {}) {
  const metadata = {
    workflowId: workflow.id,
    ...(workflow.definition.name !== undefined ? { name: workflow.definition.name } : {}),
    ...(view.lookedUpBy !== undefined ? { id: view.lookedUpBy } : {}),
    relationships: {
      account: workflow.relationships.account,
      documents: [] as string[],
      ids: [...workflow.relationships.ids],
    },
    updatedAt: toRfc3339(workflow.updated),
  };
  if (view.metadataOnly) return metadata;
  return {
    ...presentDefinition(workflow.definition),
    ...metadata,
    ...(view.format === "yaml" ? { yaml: workflowToYaml(workflow.definition) } : {}),
  };
}
