-- 0013: a key's recent refused or failed requests (route, status, reason; never a body or a secret), the newest
-- few per key, so its owner can see why a script breaks.
CREATE TABLE "ApiKeyFailures" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ApiKeyFailures" PRIMARY KEY AUTOINCREMENT,
    "ApiKeyId" TEXT NOT NULL,
    "OrganizationId" TEXT NOT NULL,
    "OccurredAt" INTEGER NOT NULL,
    "Endpoint" TEXT NOT NULL,
    "Status" INTEGER NOT NULL,
    "Reason" TEXT NOT NULL
);

CREATE INDEX "IX_ApiKeyFailures_ApiKeyId_Id" ON "ApiKeyFailures" ("ApiKeyId", "Id");
CREATE INDEX "IX_ApiKeyFailures_OrganizationId" ON "ApiKeyFailures" ("OrganizationId");
