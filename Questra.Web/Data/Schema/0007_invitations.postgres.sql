-- 0007: invitations. Adding someone to an organization is an invitation to an address, answered by its owner.
CREATE TABLE "Invitations" (
    "Id" character varying(80) NOT NULL,
    "OrganizationId" character varying(80) NOT NULL,
    "Email" character varying(320) NOT NULL,
    "NormalizedEmail" character varying(320) NOT NULL,
    "Role" character varying(32) NOT NULL,
    "InvitedByUserId" text NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "ExpiresAt" timestamp with time zone NOT NULL,
    "AcceptedAt" timestamp with time zone,
    "DeclinedAt" timestamp with time zone,
    "RevokedAt" timestamp with time zone,
    CONSTRAINT "PK_Invitations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_Invitations_Organizations_OrganizationId" FOREIGN KEY ("OrganizationId") REFERENCES "Organizations" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Invitations_NormalizedEmail" ON "Invitations" ("NormalizedEmail");
CREATE INDEX "IX_Invitations_OrganizationId_CreatedAt" ON "Invitations" ("OrganizationId", "CreatedAt");
