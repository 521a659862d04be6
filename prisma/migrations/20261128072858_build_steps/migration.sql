-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Build" (
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
    "contextName" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "buildArgNames" TEXT NOT NULL DEFAULT '[]',
    "target" TEXT,
    "noCache" BOOLEAN NOT NULL DEFAULT false,
    "imageId" TEXT,
    "error" TEXT,
    "failedStep" TEXT,
    "exitCode" INTEGER,
    "log" TEXT NOT NULL DEFAULT '',
    "logTruncated" BOOLEAN NOT NULL DEFAULT false,
    "steps" TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO "new_Build" ("buildArgNames", "contextSize", "dockerfile", "dockerfileDigest", "dockerfilePath", "durationMs", "error", "exitCode", "failedStep", "finishedAt", "id", "imageId", "log", "logTruncated", "noCache", "startedAt", "status", "tags", "target", "userId", "userName") SELECT "buildArgNames", "contextSize", "dockerfile", "dockerfileDigest", "dockerfilePath", "durationMs", "error", "exitCode", "failedStep", "finishedAt", "id", "imageId", "log", "logTruncated", "noCache", "startedAt", "status", "tags", "target", "userId", "userName" FROM "Build";
DROP TABLE "Build";
ALTER TABLE "new_Build" RENAME TO "Build";
CREATE INDEX "Build_startedAt_idx" ON "Build"("startedAt");
CREATE INDEX "Build_status_idx" ON "Build"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
