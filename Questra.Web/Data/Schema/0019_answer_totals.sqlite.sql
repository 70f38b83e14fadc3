-- 0019: each survey's answer counts over all its days, so the per-question aggregates of a whole survey read one
-- row per option or value, however long it has run. Kept by the database from the per-day counts (triggers on
-- SurveyAnswerDays, whoever writes them), and summed from the days already counted.
CREATE TABLE "SurveyAnswerTotals" (
    "SurveyId" TEXT NOT NULL,
    "QuestionId" INTEGER NOT NULL,
    "Value" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL,
    CONSTRAINT "PK_SurveyAnswerTotals" PRIMARY KEY ("SurveyId", "QuestionId", "Value"),
    CONSTRAINT "FK_SurveyAnswerTotals_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

CREATE TRIGGER "TR_SurveyAnswerDays_Total_Insert" AFTER INSERT ON "SurveyAnswerDays"
BEGIN
    INSERT INTO "SurveyAnswerTotals" ("SurveyId", "QuestionId", "Value", "Count") VALUES (NEW."SurveyId", NEW."QuestionId", NEW."Value", NEW."Count")
    ON CONFLICT ("SurveyId", "QuestionId", "Value") DO UPDATE SET "Count" = "Count" + excluded."Count";
END;

CREATE TRIGGER "TR_SurveyAnswerDays_Total_Update" AFTER UPDATE ON "SurveyAnswerDays"
BEGIN
    UPDATE "SurveyAnswerTotals" SET "Count" = "Count" - OLD."Count"
    WHERE "SurveyId" = OLD."SurveyId" AND "QuestionId" = OLD."QuestionId" AND "Value" = OLD."Value";
    INSERT INTO "SurveyAnswerTotals" ("SurveyId", "QuestionId", "Value", "Count") VALUES (NEW."SurveyId", NEW."QuestionId", NEW."Value", NEW."Count")
    ON CONFLICT ("SurveyId", "QuestionId", "Value") DO UPDATE SET "Count" = "Count" + excluded."Count";
END;

CREATE TRIGGER "TR_SurveyAnswerDays_Total_Delete" AFTER DELETE ON "SurveyAnswerDays"
BEGIN
    UPDATE "SurveyAnswerTotals" SET "Count" = "Count" - OLD."Count"
    WHERE "SurveyId" = OLD."SurveyId" AND "QuestionId" = OLD."QuestionId" AND "Value" = OLD."Value";
END;

INSERT INTO "SurveyAnswerTotals" ("SurveyId", "QuestionId", "Value", "Count")
SELECT "SurveyId", "QuestionId", "Value", sum("Count") FROM "SurveyAnswerDays" GROUP BY "SurveyId", "QuestionId", "Value";
