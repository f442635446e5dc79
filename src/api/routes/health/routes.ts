import { AppError } from "../../../errors/index.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { errorResponses } from "../../schemas/common.js";
import { presentHealth } from "./presenter.js";
import { HealthParams, HealthResponse } from "./schema.js";

const tags = ["Health"];

/** CONTRACT.md §12: statuses come from probes run for the request. */
export async function healthRoutes(app: ApiInstance, { health }: ApiContext): Promise<void> {
  app.get(
    "/health",
    {
      schema: {
        tags,
        summary: "Health of every service",
        response: { 200: HealthResponse, ...errorResponses },
      },
    },
    async () => ({ health: { services: (await health.checkAll()).map(presentHealth) } }),
  );

  app.get(
    "/health/:service",
    {
      schema: {
        tags,
        summary: "Health of one service",
        params: HealthParams,
        response: { 200: HealthResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { service } = request.params;
      if (!health.has(service)) {
        throw new AppError(
          "UNKNOWN_SERVICE",
          `service: unknown service "${service}"; known: ${health.services().join(", ")}`,
        );
      }
      return { health: { services: [presentHealth(await health.check(service))] } };
    },
  );
}
