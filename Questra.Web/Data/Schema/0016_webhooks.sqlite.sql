-- 0016: webhooks. Endpoints (address, wanted events, signing secret protected by Data Protection, never in clear),
-- messages written with the events that cause them (body fixed, never a key's secret), one delivery per endpoint
-- and message, and each attempt's outcome.
CREATE TABLE "WebhookEndpoints" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_WebhookEndpoints" PRIMARY KEY,
    "OrganizationId" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "Description" TEXT NULL,
    "EventTypes" TEXT NOT NULL,
    "SecretProtected" TEXT NOT NULL,
    "PreviousSecretProtected" TEXT NULL,
    "PreviousSecretUntil" INTEGER NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "CreatedByKeyId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "DisabledAt" INTEGER NULL,
    "DisabledReason" TEXT NULL,
    "FailingSince" INTEGER NULL
);
CREATE INDEX "IX_WebhookEndpoints_OrganizationId" ON "WebhookEndpoints" ("OrganizationId");

CREATE TABLE "WebhookMessages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_WebhookMessages" PRIMARY KEY,
    "OrganizationId" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "Payload" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "DedupeKey" TEXT NULL,
    "FannedOutAt" INTEGER NULL
);
CREATE INDEX "IX_WebhookMessages_CreatedAt" ON "WebhookMessages" ("CreatedAt");
CREATE UNIQUE INDEX "IX_WebhookMessages_DedupeKey" ON "WebhookMessages" ("DedupeKey");
CREATE INDEX "IX_WebhookMessages_FannedOutAt" ON "WebhookMessages" ("FannedOutAt");

CREATE TABLE "WebhookDeliveries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_WebhookDeliveries" PRIMARY KEY AUTOINCREMENT,
    "MessageId" TEXT NOT NULL,
    "EndpointId" TEXT NOT NULL,
    "OrganizationId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "ClaimToken" TEXT NULL,
    "ClaimedUntil" INTEGER NULL,
    "DeliveredAt" INTEGER NULL,
    "GaveUp" INTEGER NOT NULL
);
CREATE INDEX "IX_WebhookDeliveries_ClaimToken" ON "WebhookDeliveries" ("ClaimToken");
CREATE INDEX "IX_WebhookDeliveries_DeliveredAt_NextAttemptAt" ON "WebhookDeliveries" ("DeliveredAt", "NextAttemptAt");
CREATE INDEX "IX_WebhookDeliveries_EndpointId_CreatedAt" ON "WebhookDeliveries" ("EndpointId", "CreatedAt");
CREATE UNIQUE INDEX "IX_WebhookDeliveries_MessageId_EndpointId" ON "WebhookDeliveries" ("MessageId", "EndpointId");

CREATE TABLE "WebhookAttempts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_WebhookAttempts" PRIMARY KEY AUTOINCREMENT,
    "DeliveryId" INTEGER NOT NULL,
    "EndpointId" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    "Succeeded" INTEGER NOT NULL,
    "StatusCode" INTEGER NULL,
    "DurationMs" INTEGER NOT NULL,
    "ResponseExcerpt" TEXT NULL,
    "Error" TEXT NULL
);
CREATE INDEX "IX_WebhookAttempts_DeliveryId" ON "WebhookAttempts" ("DeliveryId");
