-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "contextName" TEXT,
ADD COLUMN     "steps" TEXT NOT NULL DEFAULT '[]';
