-- DropIndex
DROP INDEX "AuditEvent_targetKind_targetId_seq_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_targetId_seq_idx" ON "AuditEvent"("targetId", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_targetName_seq_idx" ON "AuditEvent"("targetName", "seq");
