-- AlterTable
ALTER TABLE "Build" ADD COLUMN "counts" JSONB;
ALTER TABLE "Build" ADD COLUMN "scheduler" JSONB;

-- AlterTable
ALTER TABLE "BuildComponent" ADD COLUMN "run" JSONB;

-- AlterTable
ALTER TABLE "BuildEvent" ADD COLUMN "action" TEXT;
ALTER TABLE "BuildEvent" ADD COLUMN "attempt" INTEGER;

-- CreateTable
CREATE TABLE "BuildEnvironmentRecord" (
    "position" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "buildId" TEXT NOT NULL,
    "componentId" TEXT NOT NULL,
    "record" JSONB NOT NULL,
    CONSTRAINT "BuildEnvironmentRecord_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_EnvironmentComponent" (
    "position" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "environmentId" TEXT NOT NULL,
    "componentId" TEXT NOT NULL,
    "record" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EnvironmentComponent_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_EnvironmentComponent" ("componentId", "environmentId", "record", "updatedAt") SELECT "componentId", "environmentId", "record", "updatedAt" FROM "EnvironmentComponent";
DROP TABLE "EnvironmentComponent";
ALTER TABLE "new_EnvironmentComponent" RENAME TO "EnvironmentComponent";
CREATE UNIQUE INDEX "EnvironmentComponent_environmentId_componentId_key" ON "EnvironmentComponent"("environmentId", "componentId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "BuildEnvironmentRecord_buildId_componentId_key" ON "BuildEnvironmentRecord"("buildId", "componentId");
