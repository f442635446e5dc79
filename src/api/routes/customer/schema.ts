import { Type } from "typebox";
import { USAGE_METRICS } from "../../../core/types.js";
import { Timestamp } from "../../schemas/common.js";

const MeterDetail = Type.Object({
  meterId: Type.String(),
  value: Type.Integer({ description: "Used in the current billing period" }),
  max: Type.Optional(Type.Integer({ description: "Cap per period, when a quota is configured" })),
});

export const CustomerResponse = Type.Object({
  customer: Type.Object({
    email: Type.String(),
    first: Type.Optional(Type.String()),
    last: Type.Optional(Type.String()),
    status: Type.String({ description: "admin or user" }),
    subscription: Type.Object({
      billingCycleAnchor: Timestamp,
      billingStart: Timestamp,
      billingEnd: Timestamp,
      meters: Type.Object({ fileTokens: MeterDetail, searches: MeterDetail }),
    }),
  }),
});

export const Metric = Type.Enum([...USAGE_METRICS], { description: "searches or fileTokens" });

export const UsageQuery = Type.Object({
  metric: Metric,
  startTime: Type.String({ description: "RFC 3339, inclusive, on a minute boundary" }),
  endTime: Type.String({ description: "RFC 3339, exclusive, on a minute boundary, not in the future" }),
});

export const UsageResponse = Type.Object({
  customer: Type.Object({
    usage: Type.Object({
      metric: Metric,
      meterId: Type.String(),
      value: Type.Integer(),
      startTime: Timestamp,
      endTime: Timestamp,
      usageAsOf: Timestamp,
    }),
  }),
});
