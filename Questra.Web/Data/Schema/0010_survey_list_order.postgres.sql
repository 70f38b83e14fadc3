-- 0010: indexes in the survey list's order (newest first, ties by id), for all of an org's surveys and for one
-- member's, so a page is read in order without sorting.
DROP INDEX "IX_Surveys_OrganizationId_CreatedAt";
DROP INDEX "IX_Surveys_OrganizationId_OwnerUserId";
CREATE INDEX "IX_Surveys_OrganizationId_CreatedAt_Id" ON "Surveys" ("OrganizationId", "CreatedAt" DESC, "Id");
CREATE INDEX "IX_Surveys_OrganizationId_OwnerUserId_CreatedAt_Id" ON "Surveys" ("OrganizationId", "OwnerUserId", "CreatedAt" DESC, "Id");
