-- 0017: when each survey last changed as the API shows it, so a sync job can ask for what changed since its last
-- run (updated_since). The app sets it on every edit; the response-count trigger moves it to a new response's
-- time (never back), so a survey whose count changed is listed again.
ALTER TABLE "Surveys" ADD COLUMN "UpdatedAt" INTEGER NOT NULL DEFAULT 0;
UPDATE "Surveys" SET "UpdatedAt" = max("CreatedAt",
    coalesce((SELECT max(r."SubmittedAt") FROM "SurveyResponses" r WHERE r."SurveyId" = "Surveys"."Id"), 0));
CREATE INDEX "IX_Surveys_OrganizationId_UpdatedAt_Id" ON "Surveys" ("OrganizationId", "UpdatedAt", "Id");

DROP TRIGGER "TR_SurveyResponses_Count_Insert";
CREATE TRIGGER "TR_SurveyResponses_Count_Insert" AFTER INSERT ON "SurveyResponses"
BEGIN
    UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" + 1, "UpdatedAt" = max("UpdatedAt", NEW."SubmittedAt") WHERE "Id" = NEW."SurveyId";
END;
