-- 0017: when each survey last changed as the API shows it, so a sync job can ask for what changed since its last
-- run (updated_since). The app sets it on every edit; the response-count trigger moves it to a new response's
-- time (never back), so a survey whose count changed is listed again.
ALTER TABLE "Surveys" ADD "UpdatedAt" timestamp with time zone NOT NULL DEFAULT '-infinity';
UPDATE "Surveys" s SET "UpdatedAt" = GREATEST(s."CreatedAt",
    coalesce((SELECT max(r."SubmittedAt") FROM "SurveyResponses" r WHERE r."SurveyId" = s."Id"), s."CreatedAt"));
ALTER TABLE "Surveys" ALTER COLUMN "UpdatedAt" DROP DEFAULT;
CREATE INDEX "IX_Surveys_OrganizationId_UpdatedAt_Id" ON "Surveys" ("OrganizationId", "UpdatedAt", "Id");

CREATE OR REPLACE FUNCTION questra_survey_response_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."SurveyId" IS NOT DISTINCT FROM OLD."SurveyId" THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" + 1, "UpdatedAt" = GREATEST("UpdatedAt", NEW."SubmittedAt") WHERE "Id" = NEW."SurveyId";
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" - 1 WHERE "Id" = OLD."SurveyId";
    END IF;
    RETURN NULL;
END;
$$;
