-- 0018: per-question answer counts per day, written with each response, so the API's per-question aggregates read
-- a few rows instead of every response; counted from the responses already stored. Value: the option id or the
-- rating, -1 for "answered at all" (a text question has only that row). And each organization's minimum cell size.
CREATE TABLE "SurveyAnswerDays" (
    "SurveyId" TEXT NOT NULL,
    "QuestionId" INTEGER NOT NULL,
    "Day" TEXT NOT NULL,
    "Value" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL,
    CONSTRAINT "PK_SurveyAnswerDays" PRIMARY KEY ("SurveyId", "QuestionId", "Day", "Value"),
    CONSTRAINT "FK_SurveyAnswerDays_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

INSERT INTO "SurveyAnswerDays" ("SurveyId", "QuestionId", "Day", "Value", "Count")
SELECT "SurveyId", "QuestionId", "Day", "Value", count(*) FROM (
    SELECT r."SurveyId", q."Id" AS "QuestionId", r."SubmittedOn" AS "Day", -1 AS "Value"
    FROM "SurveyResponses" r
    JOIN json_each(CASE WHEN json_valid(r."AnswersJson") THEN r."AnswersJson" ELSE '{}' END) a
    JOIN "SurveyQuestions" q ON q."SurveyId" = r."SurveyId" AND CAST(q."Id" AS TEXT) = a.key
    UNION ALL
    SELECT r."SurveyId", q."Id", r."SubmittedOn", a.value
    FROM "SurveyResponses" r
    JOIN json_each(CASE WHEN json_valid(r."AnswersJson") THEN r."AnswersJson" ELSE '{}' END) a
    JOIN "SurveyQuestions" q ON q."SurveyId" = r."SurveyId" AND CAST(q."Id" AS TEXT) = a.key
    WHERE a.type = 'integer' AND q."Kind" IN ('single_choice', 'rating', 'nps')
    UNION ALL
    SELECT r."SurveyId", q."Id", r."SubmittedOn", e.value
    FROM "SurveyResponses" r
    JOIN json_each(CASE WHEN json_valid(r."AnswersJson") THEN r."AnswersJson" ELSE '{}' END) a
    JOIN "SurveyQuestions" q ON q."SurveyId" = r."SurveyId" AND CAST(q."Id" AS TEXT) = a.key
    JOIN json_each(a.value) e
    WHERE a.type = 'array' AND e.type = 'integer' AND q."Kind" = 'multiple_choice'
) GROUP BY "SurveyId", "QuestionId", "Day", "Value";

ALTER TABLE "Organizations" ADD COLUMN "MinCellSize" INTEGER NOT NULL DEFAULT 5;
