-- 0011: each survey's response total, kept by triggers like the per-day roll-up, so the survey list reads one
-- column instead of summing the roll-up for every row of a page.
ALTER TABLE "Surveys" ADD COLUMN "ResponseCount" INTEGER NOT NULL DEFAULT 0;
UPDATE "Surveys" SET "ResponseCount" = (SELECT count(*) FROM "SurveyResponses" r WHERE r."SurveyId" = "Surveys"."Id");

CREATE TRIGGER "TR_SurveyResponses_Count_Insert" AFTER INSERT ON "SurveyResponses"
BEGIN
    UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" + 1 WHERE "Id" = NEW."SurveyId";
END;

CREATE TRIGGER "TR_SurveyResponses_Count_Delete" AFTER DELETE ON "SurveyResponses"
BEGIN
    UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" - 1 WHERE "Id" = OLD."SurveyId";
END;

CREATE TRIGGER "TR_SurveyResponses_Count_Move" AFTER UPDATE OF "SurveyId" ON "SurveyResponses"
WHEN OLD."SurveyId" IS NOT NEW."SurveyId"
BEGIN
    UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" - 1 WHERE "Id" = OLD."SurveyId";
    UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" + 1 WHERE "Id" = NEW."SurveyId";
END;
