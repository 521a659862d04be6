-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditEvent" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "time" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "actorRole" TEXT,
    "action" TEXT NOT NULL,
    "targetKind" TEXT,
    "targetId" TEXT,
    "targetName" TEXT,
    "params" TEXT,
    "outcome" TEXT NOT NULL,
    "message" TEXT,
    "sourceIp" TEXT,
    "userAgent" TEXT,
    "requestId" TEXT,
    "team" TEXT,
    "prevHash" TEXT NOT NULL DEFAULT '',
    "hash" TEXT NOT NULL DEFAULT ''
);
INSERT INTO "new_AuditEvent" ("action", "actorId", "actorName", "actorRole", "message", "outcome", "params", "requestId", "seq", "sourceIp", "targetId", "targetKind", "targetName", "time", "userAgent") SELECT "action", "actorId", "actorName", "actorRole", "message", "outcome", "params", "requestId", "seq", "sourceIp", "targetId", "targetKind", "targetName", "time", "userAgent" FROM "AuditEvent";
DROP TABLE "AuditEvent";
ALTER TABLE "new_AuditEvent" RENAME TO "AuditEvent";
CREATE INDEX "AuditEvent_time_idx" ON "AuditEvent"("time");
CREATE INDEX "AuditEvent_actorId_seq_idx" ON "AuditEvent"("actorId", "seq");
CREATE INDEX "AuditEvent_action_seq_idx" ON "AuditEvent"("action", "seq");
CREATE INDEX "AuditEvent_actorName_seq_idx" ON "AuditEvent"("actorName", "seq");
CREATE INDEX "AuditEvent_targetKind_targetId_seq_idx" ON "AuditEvent"("targetKind", "targetId", "seq");
CREATE INDEX "AuditEvent_team_seq_idx" ON "AuditEvent"("team", "seq");
CREATE INDEX "AuditEvent_outcome_seq_idx" ON "AuditEvent"("outcome", "seq");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
