import { Type } from "typebox";
import { HEALTH_STATUSES } from "../../../services/health.js";
import { Timestamp } from "../../schemas/common.js";

const HealthService = Type.Object({
  service: Type.String(),
  status: Type.Enum([...HEALTH_STATUSES]),
  lastUpdate: Timestamp,
  checks: Type.Array(
    Type.Object({ name: Type.String(), status: Type.String(), detail: Type.Optional(Type.String()) }),
    { description: "The probes behind the status (Openground extension)" },
  ),
});

export const HealthResponse = Type.Object({ health: Type.Object({ services: Type.Array(HealthService) }) });
export const HealthParams = Type.Object({ service: Type.String() });
