-- A build's graph moves out of the Build row into a table of its own. The runner updates the
-- build row with every save (status, seq, counts, the scheduler's queues) and SQLite rewrites a
-- whole row, overflow pages included, when any of its columns changes: with the graph in it
-- (about 400 KB for 5,000 components) each save of a large build wrote the graph again.

-- CreateTable
CREATE TABLE "BuildGraph" (
    "buildId" TEXT NOT NULL PRIMARY KEY,
    "graph" JSONB NOT NULL,
    CONSTRAINT "BuildGraph_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- the graphs of existing builds, before their column goes
INSERT INTO "BuildGraph" ("buildId", "graph") SELECT "id", "graph" FROM "Build";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Build" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "concurrency" JSONB NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "simulate" BOOLEAN NOT NULL DEFAULT false,
    "options" JSONB,
    "counts" JSONB,
    "scheduler" JSONB,
    CONSTRAINT "Build_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Build" ("concurrency", "counts", "createdAt", "environmentId", "finishedAt", "id", "options", "policy", "scheduler", "seq", "simulate", "startedAt", "status") SELECT "concurrency", "counts", "createdAt", "environmentId", "finishedAt", "id", "options", "policy", "scheduler", "seq", "simulate", "startedAt", "status" FROM "Build";
DROP TABLE "Build";
ALTER TABLE "new_Build" RENAME TO "Build";
CREATE INDEX "Build_environmentId_createdAt_idx" ON "Build"("environmentId", "createdAt");
CREATE INDEX "Build_status_idx" ON "Build"("status");
CREATE INDEX "Build_createdAt_idx" ON "Build"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

