import { toRfc3339 } from "../../../core/format.js";
import { billingPeriod, parseUsageWindow } from "../../../core/usage.js";
import type { ApiContext, ApiInstance } from "../../context.js";
import { errorResponses } from "../../schemas/common.js";
import { meterId, presentCustomer } from "./presenter.js";
import { CustomerResponse, UsageQuery, UsageResponse } from "./schema.js";

const tags = ["Customer"];

/** CONTRACT.md §10. */
export async function customerRoutes(app: ApiInstance, { store, config, now }: ApiContext): Promise<void> {
  app.get(
    "/customer",
    {
      schema: {
        tags,
        summary: "The caller's account and its meters",
        response: { 200: CustomerResponse, ...errorResponses },
      },
    },
    async (request) => {
      const account = request.account;
      const period = billingPeriod(account.created, now());
      const [fileTokens, searches] = await Promise.all([
        store.sumUsage(account.id, "fileTokens", period.start, period.end),
        store.sumUsage(account.id, "searches", period.start, period.end),
      ]);
      return {
        customer: presentCustomer(account, {
          period,
          values: { fileTokens, searches },
          max: config.quotas,
        }),
      };
    },
  );

  app.get(
    "/customer/usage",
    {
      schema: {
        tags,
        summary: "Usage of one meter over a window",
        querystring: UsageQuery,
        response: { 200: UsageResponse, ...errorResponses },
      },
    },
    async (request) => {
      const asOf = now();
      const { metric, startTime, endTime } = request.query;
      const { start, end } = parseUsageWindow(startTime, endTime, asOf);
      const value = await store.sumUsage(request.account.id, metric, start, end);
      return {
        customer: {
          usage: {
            metric,
            meterId: meterId(request.account, metric),
            value,
            startTime: toRfc3339(start),
            endTime: toRfc3339(end),
            usageAsOf: toRfc3339(asOf),
          },
        },
      };
    },
  );
}
