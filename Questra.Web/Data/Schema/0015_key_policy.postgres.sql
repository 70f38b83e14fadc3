-- 0015: key policy. A key's allowed addresses; the organization's allowed addresses and key lifetime rule; and
-- learn mode, the recent client addresses of each key (address, first and last seen, count; never a secret).
ALTER TABLE "ApiKeys" ADD "AllowedIps" character varying(2200) NULL;
ALTER TABLE "Organizations" ADD "AllowedIps" character varying(2200) NULL;
ALTER TABLE "Organizations" ADD "MaxKeyLifetimeDays" integer NULL;
ALTER TABLE "Organizations" ADD "KeysMustExpire" boolean NOT NULL DEFAULT FALSE;

CREATE TABLE "ApiKeyAddresses" (
    "ApiKeyId" character varying(80) NOT NULL,
    "Address" character varying(45) NOT NULL,
    "OrganizationId" text NOT NULL,
    "FirstSeenAt" timestamp with time zone NOT NULL,
    "LastSeenAt" timestamp with time zone NOT NULL,
    "Count" bigint NOT NULL,
    CONSTRAINT "PK_ApiKeyAddresses" PRIMARY KEY ("ApiKeyId", "Address")
);

CREATE INDEX "IX_ApiKeyAddresses_OrganizationId" ON "ApiKeyAddresses" ("OrganizationId");
