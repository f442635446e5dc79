import { toRfc3339 } from "../../../core/format.js";
import type { ServiceHealth } from "../../../services/health.js";

/** HealthService (§2.11) plus the checks behind it. */
export function presentHealth(health: ServiceHealth) {
  return {
    service: health.service,
    status: health.status,
    lastUpdate: toRfc3339(health.lastUpdate),
    checks: health.checks.map((c) => ({
      name: c.name,
      status: c.status,
      ...(c.detail ? { detail: c.detail } : {}),
    })),
  };
}
