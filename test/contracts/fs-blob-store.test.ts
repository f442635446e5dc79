import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FsBlobStore } from "../../src/store/fs/blob-store.js";
import { runBlobStoreContract } from "./blob-store.contract.js";

runBlobStoreContract("fs", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "og-blobs-"));
  return { store: new FsBlobStore(dir), close: () => fs.rm(dir, { recursive: true, force: true }) };
});
