-- 0014: key creations and rolls sent with an Idempotency-Key, remembered for 24 hours (never a secret), so a client
-- whose answer was lost can learn which key its request made.
CREATE TABLE "IdempotencyRecords" (
    "CallerKeyId" text NOT NULL,
    "Key" character varying(255) NOT NULL,
    "OrganizationId" text NOT NULL,
    "Fingerprint" bytea NOT NULL,
    "ResultKeyId" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_IdempotencyRecords" PRIMARY KEY ("CallerKeyId", "Key")
);

CREATE INDEX "IX_IdempotencyRecords_CreatedAt" ON "IdempotencyRecords" ("CreatedAt");
CREATE INDEX "IX_IdempotencyRecords_OrganizationId" ON "IdempotencyRecords" ("OrganizationId");
