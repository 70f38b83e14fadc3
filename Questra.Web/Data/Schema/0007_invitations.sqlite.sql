-- 0007: invitations. Adding someone to an organization is an invitation to an address, answered by its owner.
CREATE TABLE "Invitations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Invitations" PRIMARY KEY,
    "OrganizationId" TEXT NOT NULL,
    "Email" TEXT NOT NULL,
    "NormalizedEmail" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "InvitedByUserId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "AcceptedAt" INTEGER NULL,
    "DeclinedAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL,
    CONSTRAINT "FK_Invitations_Organizations_OrganizationId" FOREIGN KEY ("OrganizationId") REFERENCES "Organizations" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Invitations_NormalizedEmail" ON "Invitations" ("NormalizedEmail");
CREATE INDEX "IX_Invitations_OrganizationId_CreatedAt" ON "Invitations" ("OrganizationId", "CreatedAt");
