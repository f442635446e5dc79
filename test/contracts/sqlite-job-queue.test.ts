import { openDatabase } from "../../src/store/sqlite/database.js";
import { SqliteJobQueue } from "../../src/store/sqlite/job-queue.js";
import { runJobQueueContract } from "./job-queue.contract.js";

runJobQueueContract("sqlite", async () => {
  const db = openDatabase(":memory:");
  let offset = 0;
  return {
    queue: new SqliteJobQueue(db, () => Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    close: async () => {
      db.close();
    },
  };
});
