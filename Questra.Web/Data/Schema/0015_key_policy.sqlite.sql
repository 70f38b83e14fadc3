-- 0015: key policy. A key's allowed addresses; the organization's allowed addresses and key lifetime rule; and
-- learn mode, the recent client addresses of each key (address, first and last seen, count; never a secret).
ALTER TABLE "ApiKeys" ADD COLUMN "AllowedIps" TEXT NULL;
ALTER TABLE "Organizations" ADD COLUMN "AllowedIps" TEXT NULL;
ALTER TABLE "Organizations" ADD COLUMN "MaxKeyLifetimeDays" INTEGER NULL;
ALTER TABLE "Organizations" ADD COLUMN "KeysMustExpire" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "ApiKeyAddresses" (
    "ApiKeyId" TEXT NOT NULL,
    "Address" TEXT NOT NULL,
    "OrganizationId" TEXT NOT NULL,
    "FirstSeenAt" INTEGER NOT NULL,
    "LastSeenAt" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL,
    CONSTRAINT "PK_ApiKeyAddresses" PRIMARY KEY ("ApiKeyId", "Address")
);

CREATE INDEX "IX_ApiKeyAddresses_OrganizationId" ON "ApiKeyAddresses" ("OrganizationId");
