import fs from "node:fs/promises";
import type { MetadataStore } from "../store/contracts/metadata-store.js";

export const HEALTH_STATUSES = ["healthy", "degraded", "down", "unknown"] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface ProbeResult {
  readonly status: HealthStatus;
  readonly detail?: string;
}

/** One named check; a service is as healthy as its worst check. */
export interface HealthCheck {
  readonly name: string;
  readonly probe: () => Promise<ProbeResult>;
}

export interface ServiceHealth {
  readonly service: string;
  readonly status: HealthStatus;
  readonly lastUpdate: Date;
  readonly checks: readonly {
    readonly name: string;
    readonly status: HealthStatus;
    readonly detail?: string;
  }[];
}

const SEVERITY: Record<HealthStatus, number> = { healthy: 0, unknown: 1, degraded: 2, down: 3 };
const PROBE_TIMEOUT_MS = 3000;

/**
 * Real health (CONTRACT.md §12): every request runs the probes of the asked
 * services and reports when it ran them. Later subsystems (the ingest worker
 * pool, the search index) register their own checks.
 */
export class HealthMonitor {
  readonly #services = new Map<string, HealthCheck[]>();

  /** Add a check to a service (created on first use). */
  register(service: string, check: HealthCheck): this {
    const checks = this.#services.get(service) ?? [];
    checks.push(check);
    this.#services.set(service, checks);
    return this;
  }

  services(): string[] {
    return [...this.#services.keys()];
  }

  has(service: string): boolean {
    return this.#services.has(service);
  }

  async check(service: string): Promise<ServiceHealth> {
    const checks = this.#services.get(service) ?? [];
    const lastUpdate = new Date();
    const results = await Promise.all(
      checks.map(async (check) => ({ name: check.name, ...(await runProbe(check)) })),
    );
    const status = results.reduce<HealthStatus>(
      (worst, r) => (SEVERITY[r.status] > SEVERITY[worst] ? r.status : worst),
      results.length === 0 ? "unknown" : "healthy",
    );
    return { service, status, lastUpdate, checks: results };
  }

  async checkAll(): Promise<ServiceHealth[]> {
    return Promise.all(this.services().map((s) => this.check(s)));
  }
}

async function runProbe(check: HealthCheck): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: "down", detail: `no answer within ${PROBE_TIMEOUT_MS} ms` }),
      PROBE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([check.probe(), timeout]);
  } catch (error) {
    return { status: "down", detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Database round trip; slow answers mean degraded. */
export function databaseCheck(store: MetadataStore, slowMs = 500): HealthCheck {
  return {
    name: "database",
    probe: async () => {
      const started = performance.now();
      await store.ping();
      const ms = performance.now() - started;
      return ms > slowMs
        ? { status: "degraded", detail: `database round trip took ${ms.toFixed(0)} ms` }
        : { status: "healthy" };
    },
  };
}

export interface DiskThresholds {
  /** Below this many free bytes the data directory cannot take writes: down. */
  readonly downBelowBytes: number;
  /** Below this many free bytes: degraded. */
  readonly degradedBelowBytes: number;
}

const DEFAULT_DISK: DiskThresholds = { downBelowBytes: 100 * 1024 ** 2, degradedBelowBytes: 1024 ** 3 };

/** Free space where documents and the database are written. */
export function diskCheck(dataDir: string, thresholds: DiskThresholds = DEFAULT_DISK): HealthCheck {
  return {
    name: "disk",
    probe: async () => {
      const stats = await fs.statfs(dataDir);
      const free = stats.bavail * stats.bsize;
      const freeMb = (free / 1024 ** 2).toFixed(0);
      if (free < thresholds.downBelowBytes)
        return { status: "down", detail: `only ${freeMb} MB free in the data directory` };
      if (free < thresholds.degradedBelowBytes) {
        return { status: "degraded", detail: `only ${freeMb} MB free in the data directory` };
      }
      return { status: "healthy" };
    },
  };
}

/** The ingestion workers' loop is alive: its heartbeat is recent. */
export function workerCheck(
  workers: { readonly running: boolean; readonly lastHeartbeat: Date },
  expected: boolean,
  staleMs = 30_000,
): HealthCheck {
  return {
    name: "workers",
    probe: async () => {
      if (!expected) return { status: "unknown", detail: "no ingestion workers run in this process" };
      if (!workers.running) return { status: "down", detail: "the ingestion workers are stopped" };
      const age = Date.now() - workers.lastHeartbeat.getTime();
      return age > staleMs
        ? {
            status: "degraded",
            detail: `the ingestion workers last reported ${Math.round(age / 1000)} s ago`,
          }
        : { status: "healthy" };
    },
  };
}
