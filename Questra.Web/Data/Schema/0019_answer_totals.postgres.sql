-- 0019: each survey's answer counts over all its days, so the per-question aggregates of a whole survey read one
-- row per option or value, however long it has run. Kept by the database from the per-day counts (a trigger on
-- SurveyAnswerDays, whoever writes them), and summed from the days already counted.
CREATE TABLE "SurveyAnswerTotals" (
    "SurveyId" character varying(80) NOT NULL,
    "QuestionId" bigint NOT NULL,
    "Value" integer NOT NULL,
    "Count" integer NOT NULL,
    CONSTRAINT "PK_SurveyAnswerTotals" PRIMARY KEY ("SurveyId", "QuestionId", "Value"),
    CONSTRAINT "FK_SurveyAnswerTotals_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

CREATE OR REPLACE FUNCTION questra_survey_answer_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE "SurveyAnswerTotals" SET "Count" = "Count" - OLD."Count"
        WHERE "SurveyId" = OLD."SurveyId" AND "QuestionId" = OLD."QuestionId" AND "Value" = OLD."Value";
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO "SurveyAnswerTotals" ("SurveyId", "QuestionId", "Value", "Count") VALUES (NEW."SurveyId", NEW."QuestionId", NEW."Value", NEW."Count")
        ON CONFLICT ("SurveyId", "QuestionId", "Value") DO UPDATE SET "Count" = "SurveyAnswerTotals"."Count" + excluded."Count";
    END IF;
    RETURN NULL;
END;
$$;

-- Creating the trigger locks out writers of SurveyAnswerDays until the migration commits, so every count is either
-- in the backfill below or goes through the trigger afterwards, never in neither.
CREATE TRIGGER "TR_SurveyAnswerDays_Total" AFTER INSERT OR UPDATE OR DELETE ON "SurveyAnswerDays"
FOR EACH ROW EXECUTE FUNCTION questra_survey_answer_totals();

INSERT INTO "SurveyAnswerTotals" ("SurveyId", "QuestionId", "Value", "Count")
SELECT "SurveyId", "QuestionId", "Value", sum("Count") FROM "SurveyAnswerDays" GROUP BY "SurveyId", "QuestionId", "Value";
