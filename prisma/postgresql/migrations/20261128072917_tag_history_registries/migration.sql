-- CreateTable
CREATE TABLE "Registry" (
    "id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "username" TEXT,
    "sealedSecret" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastTestedAt" TIMESTAMP(3),
    "lastTestOk" BOOLEAN,
    "lastTestMessage" TEXT,

    CONSTRAINT "Registry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TagEvent" (
    "id" TEXT NOT NULL,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "oldDigest" TEXT,
    "newDigest" TEXT,
    "source" TEXT NOT NULL,
    "action" TEXT NOT NULL,

    CONSTRAINT "TagEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepositoryRule" (
    "repository" TEXT NOT NULL,
    "immutableTags" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RepositoryRule_pkey" PRIMARY KEY ("repository")
);

-- CreateTable
CREATE TABLE "EngineCursor" (
    "name" TEXT NOT NULL,
    "cursor" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EngineCursor_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "Registry_address_key" ON "Registry"("address");

-- CreateIndex
CREATE INDEX "TagEvent_repository_tag_time_idx" ON "TagEvent"("repository", "tag", "time");

-- CreateIndex
CREATE INDEX "TagEvent_time_idx" ON "TagEvent"("time");
