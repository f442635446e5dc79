import { toRfc3339 } from "../../../core/format.js";
import type { Account, UsageMetric } from "../../../core/types.js";

/** Stable meter id of an account's metric. */
export function meterId(account: Account, metric: UsageMetric): string {
  return `${metric}:${account.id}`;
}

export interface MeterValues {
  readonly period: { readonly start: Date; readonly end: Date };
  readonly values: Readonly<Record<UsageMetric, number>>;
  readonly max: Readonly<Record<UsageMetric, number | undefined>>;
}

/** CustomerDetail (CONTRACT.md §2.9). */
export function presentCustomer(account: Account, meters: MeterValues) {
  const meter = (metric: UsageMetric) => {
    const max = meters.max[metric];
    return {
      meterId: meterId(account, metric),
      value: meters.values[metric],
      ...(max !== undefined ? { max } : {}),
    };
  };
  return {
    email: account.email,
    ...(account.first !== undefined ? { first: account.first } : {}),
    ...(account.last !== undefined ? { last: account.last } : {}),
    status: account.status,
    subscription: {
      billingCycleAnchor: toRfc3339(account.created),
      billingStart: toRfc3339(meters.period.start),
      billingEnd: toRfc3339(meters.period.end),
      meters: { fileTokens: meter("fileTokens"), searches: meter("searches") },
    },
  };
}
