-- 0019: each survey's answer counts over all its days, written with each response beside the per-day counts, so
-- the per-question aggregates of a whole survey read one row per option or value, however long it has run.
CREATE TABLE "SurveyAnswerTotals" (
    "SurveyId" character varying(80) NOT NULL,
    "QuestionId" bigint NOT NULL,
    "Value" integer NOT NULL,
    "Count" integer NOT NULL,
    CONSTRAINT "PK_SurveyAnswerTotals" PRIMARY KEY ("SurveyId", "QuestionId", "Value"),
    CONSTRAINT "FK_SurveyAnswerTotals_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

INSERT INTO "SurveyAnswerTotals" ("SurveyId", "QuestionId", "Value", "Count")
SELECT "SurveyId", "QuestionId", "Value", sum("Count") FROM "SurveyAnswerDays" GROUP BY "SurveyId", "QuestionId", "Value";
