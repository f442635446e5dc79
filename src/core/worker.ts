import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * The URL of a worker module next to the calling module: `name.ts` when the
 * caller runs as TypeScript (tsx, vitest), else the compiled `name.js`.
 *
 * @param caller the caller's `import.meta.url`
 * @example siblingModule(import.meta.url, "worker") // …/worker.js in dist/
 */
export function siblingModule(caller: string, name: string): URL {
  return new URL(caller.endsWith(".ts") ? `./${name}.ts` : `./${name}.js`, caller);
}

/**
 * Start a worker thread on a module. A TypeScript module (under tsx or
 * vitest) is loaded through tsx, registered inside the thread first.
 */
export function startWorker(url: URL, options: Omit<WorkerOptions, "eval"> = {}): Worker {
  if (!url.pathname.endsWith(".ts")) return new Worker(url, options);
  return new Worker(
    `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`,
    { ...options, eval: true },
  );
}
