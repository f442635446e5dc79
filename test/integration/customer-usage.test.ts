import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/services/api-keys.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { call, expectError, floorToMinute, type Json, rfc3339 } from "./support.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The server's clock runs one hour ahead of the wall clock (fixed), so usage can
 * be recorded "in the past" but after the account was created (the billing
 * period starts at the account's creation, which the store stamps with the
 * wall clock).
 */
const now = new Date(Date.now() + 60 * MINUTE);
const windowEnd = floorToMinute(now);
/** A minute boundary strictly between the account's creation and `now`. */
const usageAt = new Date(floorToMinute(new Date()).getTime() + 10 * MINUTE);

let server: TestServer;
let accountId: string;

async function accountIdOf(s: TestServer, apiKey: string): Promise<string> {
  const found = await s.app.openground.context.store.findAccountByKeyHash(hashApiKey(apiKey));
  if (!found) throw new Error("account not found for key");
  return found.account.id;
}

function usageQuery(params: Record<string, string>): string {
  return `/customer/usage?${new URLSearchParams(params).toString()}`;
}

beforeAll(async () => {
  server = await startTestServer({}, { now: () => now });
  accountId = await accountIdOf(server, server.apiKey);
});

afterAll(async () => {
  await server?.close();
});

describe("GET /customer (§10, §2.9)", () => {
  it("describes the bootstrap account with its subscription and zeroed meters", async () => {
    const response = (await server.client().customer.get()) as { customer: Record<string, unknown> };
    const customer = response.customer as {
      email: string;
      status: string;
      subscription: {
        billingCycleAnchor: string;
        billingStart: string;
        billingEnd: string;
        meters: Record<string, unknown>;
      };
    };
    expect(customer.email).toBe("admin@openground.local");
    expect(customer.status).toBe("admin");
    const { subscription } = customer;
    const anchor = rfc3339(subscription.billingCycleAnchor);
    const start = rfc3339(subscription.billingStart);
    const end = rfc3339(subscription.billingEnd);
    expect(anchor).toBeLessThanOrEqual(Date.now());
    expect(start).toBeLessThanOrEqual(now.getTime());
    expect(end).toBeGreaterThan(now.getTime());
    expect(end - start).toBeGreaterThanOrEqual(28 * DAY);
    expect(end - start).toBeLessThanOrEqual(31 * DAY);
    expect(Object.keys(subscription.meters).sort()).toEqual(["fileTokens", "searches"]);
    expect(subscription.meters.fileTokens).toEqual({ meterId: expect.any(String), value: 0 });
    expect(subscription.meters.searches).toEqual({ meterId: expect.any(String), value: 0 });
  });

  it("shows a non-admin account as a user with its own meter ids", async () => {
    const other = await server.newAccount("someone@example.com");
    const admin = (await server.client().customer.get()) as { customer: Json };
    const { customer } = (await other.client.customer.get()) as { customer: Json };
    expect(customer.email).toBe("someone@example.com");
    expect(customer.status).toBe("user");
    expect(customer.first).toBe("Other");
    expect(customer.last).toBe("User");
    expect(customer.subscription.meters.searches.meterId).not.toBe(
      admin.customer.subscription.meters.searches.meterId,
    );
  });
});

describe("usage recorded through the store", () => {
  beforeAll(async () => {
    const store = server.app.openground.context.store;
    await store.recordUsage(accountId, "searches", 3, usageAt);
    await store.recordUsage(accountId, "fileTokens", 1234, usageAt);
  });

  it("shows in GET /customer/usage with the full response shape", async () => {
    const startTime = new Date(windowEnd.getTime() - DAY).toISOString();
    const endTime = windowEnd.toISOString();
    const result = await call(server, usageQuery({ metric: "searches", startTime, endTime }));
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toEqual({
      customer: {
        usage: {
          metric: "searches",
          meterId: expect.any(String),
          value: 3,
          startTime,
          endTime,
          usageAsOf: now.toISOString(),
        },
      },
    });
    for (const field of ["startTime", "endTime", "usageAsOf"]) rfc3339(result.body.customer.usage[field]);

    const tokens = await call(server, usageQuery({ metric: "fileTokens", startTime, endTime }));
    expect(tokens.body.customer.usage).toMatchObject({ metric: "fileTokens", value: 1234 });
  });

  it("shows in the customer meters, with the same meter ids as the usage route", async () => {
    const { customer } = (await server.client().customer.get()) as { customer: Json };
    expect(customer.subscription.meters.searches).toMatchObject({ value: 3 });
    expect(customer.subscription.meters.fileTokens).toMatchObject({ value: 1234 });

    const startTime = new Date(windowEnd.getTime() - DAY).toISOString();
    const usage = await call(
      server,
      usageQuery({ metric: "searches", startTime, endTime: windowEnd.toISOString() }),
    );
    expect(usage.body.customer.usage.meterId).toBe(customer.subscription.meters.searches.meterId);
  });

  it("treats startTime as inclusive and endTime as exclusive", async () => {
    const at = usageAt.getTime();
    const iso = (ms: number) => new Date(ms).toISOString();
    const inclusive = await call(
      server,
      usageQuery({ metric: "searches", startTime: iso(at), endTime: iso(at + MINUTE) }),
    );
    expect(inclusive.body.customer.usage.value).toBe(3);
    const exclusive = await call(
      server,
      usageQuery({ metric: "searches", startTime: iso(at - MINUTE), endTime: iso(at) }),
    );
    expect(exclusive.body.customer.usage.value).toBe(0);
  });

  it("normalises offsets to UTC", async () => {
    const end = new Date(windowEnd.getTime());
    const start = new Date(end.getTime() - 2 * 60 * MINUTE);
    // the same instants written with a +02:00 offset
    const shifted = (d: Date) =>
      `${new Date(d.getTime() + 2 * 60 * MINUTE).toISOString().slice(0, 19)}+02:00`;
    const result = await call(
      server,
      usageQuery({ metric: "searches", startTime: shifted(start), endTime: shifted(end) }),
    );
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.customer.usage.startTime).toBe(start.toISOString());
    expect(result.body.customer.usage.endTime).toBe(end.toISOString());
    expect(result.body.customer.usage.value).toBe(3);
  });

  it("is not visible to another account", async () => {
    const other = await server.newAccount();
    const startTime = new Date(windowEnd.getTime() - DAY).toISOString();
    const result = await call(
      server,
      usageQuery({ metric: "searches", startTime, endTime: windowEnd.toISOString() }),
      {
        apiKey: other.apiKey,
      },
    );
    expect(result.status).toBe(200);
    expect(result.body.customer.usage.value).toBe(0);
    const { customer } = (await other.client.customer.get()) as { customer: Json };
    expect(customer.subscription.meters.searches.value).toBe(0);
    expect(customer.subscription.meters.fileTokens.value).toBe(0);
  });
});

describe("GET /customer/usage validation (§10)", () => {
  const end = () => windowEnd.toISOString();
  const start = () => new Date(windowEnd.getTime() - DAY).toISOString();

  it("requires metric", async () => {
    expectError(await call(server, usageQuery({ startTime: start(), endTime: end() })), 400, {
      field: "metric",
    });
  });

  it("rejects an unknown metric", async () => {
    const result = await call(server, usageQuery({ metric: "tokens", startTime: start(), endTime: end() }));
    expectError(result, 400, { field: "metric" });
  });

  it("requires startTime and endTime", async () => {
    expectError(await call(server, usageQuery({ metric: "searches", endTime: end() })), 400, {
      field: "startTime",
    });
    expectError(await call(server, usageQuery({ metric: "searches", startTime: start() })), 400, {
      field: "endTime",
    });
  });

  it("rejects timestamps that are not RFC 3339", async () => {
    const result = await call(
      server,
      usageQuery({ metric: "searches", startTime: "yesterday", endTime: end() }),
    );
    expectError(result, 400, { field: "startTime" });
    const dateOnly = await call(
      server,
      usageQuery({ metric: "searches", startTime: start(), endTime: "2020-01-01" }),
    );
    expectError(dateOnly, 400, { field: "endTime" });
  });

  it("rejects times that are not on a minute boundary", async () => {
    const offStart = new Date(windowEnd.getTime() - DAY + 30_000).toISOString();
    expectError(
      await call(server, usageQuery({ metric: "searches", startTime: offStart, endTime: end() })),
      400,
      {
        field: "startTime",
      },
    );
    const offEnd = new Date(windowEnd.getTime() - 500).toISOString();
    expectError(
      await call(server, usageQuery({ metric: "searches", startTime: start(), endTime: offEnd })),
      400,
      {
        field: "endTime",
      },
    );
  });

  it("rejects an endTime before (or equal to) startTime", async () => {
    const result = await call(server, usageQuery({ metric: "searches", startTime: end(), endTime: start() }));
    expectError(result, 400, { field: "endTime" });
    const empty = await call(server, usageQuery({ metric: "searches", startTime: end(), endTime: end() }));
    expectError(empty, 400, { field: "endTime" });
  });

  it("rejects an endTime in the future", async () => {
    const future = new Date(windowEnd.getTime() + 10 * MINUTE).toISOString();
    expectError(
      await call(server, usageQuery({ metric: "searches", startTime: start(), endTime: future })),
      400,
      {
        field: "endTime",
      },
    );
  });

  it("rejects a window longer than 366 days but accepts exactly 366", async () => {
    const tooLong = new Date(windowEnd.getTime() - 367 * DAY).toISOString();
    const result = await call(server, usageQuery({ metric: "searches", startTime: tooLong, endTime: end() }));
    expectError(result, 400);
    expect(result.body.message).toMatch(/^(startTime|endTime)\b/);
    expect(result.body.message).toMatch(/366/);

    const exact = new Date(windowEnd.getTime() - 366 * DAY).toISOString();
    const ok = await call(server, usageQuery({ metric: "searches", startTime: exact, endTime: end() }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});

describe("quotas (OPENGROUND_QUOTA_*)", () => {
  let quoted: TestServer;

  beforeAll(async () => {
    quoted = await startTestServer({
      OPENGROUND_QUOTA_SEARCHES: "500",
      OPENGROUND_QUOTA_FILE_TOKENS: "1000000",
    });
  });

  afterAll(async () => {
    await quoted?.close();
  });

  it("reports max on both meters", async () => {
    const { customer } = (await quoted.client().customer.get()) as { customer: Json };
    expect(customer.subscription.meters.searches).toEqual({
      meterId: expect.any(String),
      value: 0,
      max: 500,
    });
    expect(customer.subscription.meters.fileTokens).toEqual({
      meterId: expect.any(String),
      value: 0,
      max: 1_000_000,
    });
  });
});
