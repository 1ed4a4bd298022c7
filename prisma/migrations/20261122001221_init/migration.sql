-- CreateTable
CREATE TABLE "Environment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "lifetimeSeconds" INTEGER,
    "expiresAt" DATETIME,
    "destroyedAt" DATETIME,
    "destroyReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EnvironmentComponent" (
    "environmentId" TEXT NOT NULL,
    "componentId" TEXT NOT NULL,
    "record" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("environmentId", "componentId"),
    CONSTRAINT "EnvironmentComponent_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "GraphDefinition" (
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("name", "version")
);

-- CreateTable
CREATE TABLE "Build" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "environmentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "concurrency" JSONB NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "graph" JSONB NOT NULL,
    "simulate" BOOLEAN NOT NULL DEFAULT false,
    "options" JSONB,
    CONSTRAINT "Build_environmentId_fkey" FOREIGN KEY ("environmentId") REFERENCES "Environment" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BuildComponent" (
    "buildId" TEXT NOT NULL,
    "componentId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "triesLeft" INTEGER NOT NULL,
    "desired" JSONB NOT NULL,
    "outputs" JSONB,
    "error" TEXT,
    "deadline" DATETIME,
    "retryAt" DATETIME,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "gate" BOOLEAN NOT NULL DEFAULT false,
    "approved" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("buildId", "componentId"),
    CONSTRAINT "BuildComponent_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BuildEdge" (
    "buildId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "destination" TEXT NOT NULL,

    PRIMARY KEY ("buildId", "source", "destination"),
    CONSTRAINT "BuildEdge_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Attempt" (
    "buildId" TEXT NOT NULL,
    "componentId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "dispatchedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "status" TEXT NOT NULL,
    "error" TEXT,

    PRIMARY KEY ("buildId", "componentId", "attempt"),
    CONSTRAINT "Attempt_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attempt_buildId_componentId_fkey" FOREIGN KEY ("buildId", "componentId") REFERENCES "BuildComponent" ("buildId", "componentId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BuildEvent" (
    "buildId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "componentId" TEXT,
    "state" TEXT,
    "message" TEXT,
    "actor" TEXT,
    "data" JSONB,

    PRIMARY KEY ("buildId", "seq"),
    CONSTRAINT "BuildEvent_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LogLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "buildId" TEXT NOT NULL,
    "componentId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "stream" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    CONSTRAINT "LogLine_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OperatorAction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "buildId" TEXT NOT NULL,
    "componentId" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "accepted" BOOLEAN NOT NULL,
    "reason" TEXT,
    CONSTRAINT "OperatorAction_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Environment_name_key" ON "Environment"("name");

-- CreateIndex
CREATE INDEX "Environment_expiresAt_idx" ON "Environment"("expiresAt");

-- CreateIndex
CREATE INDEX "Build_environmentId_createdAt_idx" ON "Build"("environmentId", "createdAt");

-- CreateIndex
CREATE INDEX "Build_status_idx" ON "Build"("status");

-- CreateIndex
CREATE INDEX "Build_createdAt_idx" ON "Build"("createdAt");

-- CreateIndex
CREATE INDEX "BuildComponent_deadline_idx" ON "BuildComponent"("deadline");

-- CreateIndex
CREATE INDEX "BuildComponent_retryAt_idx" ON "BuildComponent"("retryAt");

-- CreateIndex
CREATE UNIQUE INDEX "BuildComponent_buildId_index_key" ON "BuildComponent"("buildId", "index");

-- CreateIndex
CREATE INDEX "BuildEdge_buildId_destination_idx" ON "BuildEdge"("buildId", "destination");

-- CreateIndex
CREATE INDEX "LogLine_buildId_componentId_id_idx" ON "LogLine"("buildId", "componentId", "id");

-- CreateIndex
CREATE INDEX "OperatorAction_buildId_at_idx" ON "OperatorAction"("buildId", "at");
