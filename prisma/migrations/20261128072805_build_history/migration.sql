-- CreateTable
CREATE TABLE "Build" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT,
    "userName" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "durationMs" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'running',
    "dockerfileDigest" TEXT NOT NULL,
    "dockerfile" TEXT NOT NULL,
    "dockerfilePath" TEXT NOT NULL DEFAULT 'Dockerfile',
    "contextSize" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "buildArgNames" TEXT NOT NULL DEFAULT '[]',
    "target" TEXT,
    "noCache" BOOLEAN NOT NULL DEFAULT false,
    "imageId" TEXT,
    "error" TEXT,
    "failedStep" TEXT,
    "exitCode" INTEGER,
    "log" TEXT NOT NULL DEFAULT '',
    "logTruncated" BOOLEAN NOT NULL DEFAULT false
);

-- CreateIndex
CREATE INDEX "Build_startedAt_idx" ON "Build"("startedAt");

-- CreateIndex
CREATE INDEX "Build_status_idx" ON "Build"("status");
