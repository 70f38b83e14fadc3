-- 0001_init (SQLite): generated once from the model with GenerateCreateScript(); never edit after release.
CREATE TABLE "ApiKeyUsage" (
    "ApiKeyId" TEXT NOT NULL,
    "Endpoint" TEXT NOT NULL,
    "Day" TEXT NOT NULL,
    "OrganizationId" TEXT NOT NULL,
    "Count" INTEGER NOT NULL,
    "LastUsedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_ApiKeyUsage" PRIMARY KEY ("ApiKeyId", "Endpoint", "Day")
);


CREATE TABLE "AspNetRoles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetRoles" PRIMARY KEY,
    "Name" TEXT NULL,
    "NormalizedName" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL
);


CREATE TABLE "AspNetUsers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" INTEGER NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);


CREATE TABLE "AuditEvents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditEvents" PRIMARY KEY AUTOINCREMENT,
    "OrganizationId" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "ActorUserId" TEXT NULL,
    "ActorApiKeyId" TEXT NULL,
    "TargetId" TEXT NULL,
    "Ip" TEXT NULL,
    "OccurredAt" INTEGER NOT NULL,
    "Details" TEXT NULL
);


CREATE TABLE "DeletedApiKeys" (
    "SecretHash" BLOB NOT NULL CONSTRAINT "PK_DeletedApiKeys" PRIMARY KEY,
    "KeyId" TEXT NOT NULL,
    "DeletedAt" INTEGER NOT NULL
);


CREATE TABLE "Organizations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Organizations" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Plan" TEXT NOT NULL,
    "ApiKeyCreation" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);


CREATE TABLE "AspNetRoleClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY AUTOINCREMENT,
    "RoleId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserLogins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserPasskeys" (
    "CredentialId" BLOB NOT NULL CONSTRAINT "PK_AspNetUserPasskeys" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "Data" TEXT NOT NULL,
    CONSTRAINT "FK_AspNetUserPasskeys_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserRoles" (
    "UserId" TEXT NOT NULL,
    "RoleId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "AspNetUserTokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);


CREATE TABLE "ApiKeys" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiKeys" PRIMARY KEY,
    "OrganizationId" TEXT NOT NULL,
    "CreatedByUserId" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "SecretHash" BLOB NOT NULL,
    "Scopes" INTEGER NOT NULL,
    "SurveyRestriction" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL,
    "LastUsedAt" INTEGER NULL,
    "ReplacedByKeyId" TEXT NULL,
    CONSTRAINT "FK_ApiKeys_Organizations_OrganizationId" FOREIGN KEY ("OrganizationId") REFERENCES "Organizations" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Memberships" (
    "OrganizationId" TEXT NOT NULL,
    "UserId" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "JoinedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_Memberships" PRIMARY KEY ("OrganizationId", "UserId"),
    CONSTRAINT "FK_Memberships_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_Memberships_Organizations_OrganizationId" FOREIGN KEY ("OrganizationId") REFERENCES "Organizations" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Surveys" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Surveys" PRIMARY KEY,
    "OrganizationId" TEXT NOT NULL,
    "OwnerUserId" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Surveys_Organizations_OrganizationId" FOREIGN KEY ("OrganizationId") REFERENCES "Organizations" ("Id") ON DELETE CASCADE
);


CREATE TABLE "SurveyQuestions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyQuestions" PRIMARY KEY AUTOINCREMENT,
    "SurveyId" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "Text" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    CONSTRAINT "FK_SurveyQuestions_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);


CREATE TABLE "SurveyResponses" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_SurveyResponses" PRIMARY KEY AUTOINCREMENT,
    "SurveyId" TEXT NOT NULL,
    "SubmittedAt" INTEGER NOT NULL,
    "SubmittedOn" TEXT NOT NULL,
    "Completed" INTEGER NOT NULL,
    "AnswersJson" TEXT NOT NULL,
    CONSTRAINT "FK_SurveyResponses_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);


CREATE INDEX "IX_ApiKeyUsage_OrganizationId_Day" ON "ApiKeyUsage" ("OrganizationId", "Day");


CREATE INDEX "IX_ApiKeys_CreatedByUserId" ON "ApiKeys" ("CreatedByUserId");


CREATE INDEX "IX_ApiKeys_OrganizationId_CreatedAt" ON "ApiKeys" ("OrganizationId", "CreatedAt");


CREATE UNIQUE INDEX "IX_ApiKeys_SecretHash" ON "ApiKeys" ("SecretHash");


CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");


CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");


CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");


CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");


CREATE INDEX "IX_AspNetUserPasskeys_UserId" ON "AspNetUserPasskeys" ("UserId");


CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");


CREATE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");


CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");


CREATE INDEX "IX_AuditEvents_OrganizationId_OccurredAt" ON "AuditEvents" ("OrganizationId", "OccurredAt");


CREATE INDEX "IX_AuditEvents_TargetId" ON "AuditEvents" ("TargetId");


CREATE INDEX "IX_Memberships_UserId" ON "Memberships" ("UserId");


CREATE INDEX "IX_SurveyQuestions_SurveyId" ON "SurveyQuestions" ("SurveyId");


CREATE INDEX "IX_SurveyResponses_SurveyId_SubmittedAt" ON "SurveyResponses" ("SurveyId", "SubmittedAt");


CREATE INDEX "IX_Surveys_OrganizationId_CreatedAt" ON "Surveys" ("OrganizationId", "CreatedAt");


CREATE INDEX "IX_Surveys_OrganizationId_OwnerUserId" ON "Surveys" ("OrganizationId", "OwnerUserId");


