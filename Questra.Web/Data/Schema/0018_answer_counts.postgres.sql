-- 0018: per-question answer counts per day, written with each response, so the API's per-question aggregates read
-- a few rows instead of every response; counted from the responses already stored. Value: the option id or the
-- rating, -1 for "answered at all" (a text question has only that row). And each organization's minimum cell size.
CREATE TABLE "SurveyAnswerDays" (
    "SurveyId" character varying(80) NOT NULL,
    "QuestionId" bigint NOT NULL,
    "Day" date NOT NULL,
    "Value" integer NOT NULL,
    "Count" integer NOT NULL,
    CONSTRAINT "PK_SurveyAnswerDays" PRIMARY KEY ("SurveyId", "QuestionId", "Day", "Value"),
    CONSTRAINT "FK_SurveyAnswerDays_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

-- A stored response that is not a JSON object counts as one with no answers (as the app reads it), not a failed migration.
CREATE FUNCTION pg_temp.questra_answers(text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN CASE WHEN jsonb_typeof($1::jsonb) = 'object' THEN $1::jsonb ELSE '{}'::jsonb END;
EXCEPTION WHEN others THEN
    RETURN '{}'::jsonb;
END;
$$;

INSERT INTO "SurveyAnswerDays" ("SurveyId", "QuestionId", "Day", "Value", "Count")
SELECT "SurveyId", "QuestionId", "Day", "Value", count(*) FROM (
    SELECT r."SurveyId", q."Id" AS "QuestionId", r."SubmittedOn" AS "Day", -1 AS "Value"
    FROM "SurveyResponses" r
    CROSS JOIN LATERAL jsonb_each(pg_temp.questra_answers(r."AnswersJson")) a
    JOIN "SurveyQuestions" q ON q."SurveyId" = r."SurveyId" AND q."Id"::text = a.key
    UNION ALL
    SELECT r."SurveyId", q."Id", r."SubmittedOn", (a.value #>> '{}')::integer
    FROM "SurveyResponses" r
    CROSS JOIN LATERAL jsonb_each(pg_temp.questra_answers(r."AnswersJson")) a
    JOIN "SurveyQuestions" q ON q."SurveyId" = r."SurveyId" AND q."Id"::text = a.key
    WHERE jsonb_typeof(a.value) = 'number' AND (a.value #>> '{}') ~ '^[0-9]{1,9}$' AND q."Kind" IN ('single_choice', 'rating', 'nps')
    UNION ALL
    SELECT r."SurveyId", q."Id", r."SubmittedOn", (e.value #>> '{}')::integer
    FROM "SurveyResponses" r
    CROSS JOIN LATERAL jsonb_each(pg_temp.questra_answers(r."AnswersJson")) a
    JOIN "SurveyQuestions" q ON q."SurveyId" = r."SurveyId" AND q."Id"::text = a.key
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE '[]'::jsonb END) e
    WHERE q."Kind" = 'multiple_choice' AND jsonb_typeof(e.value) = 'number' AND (e.value #>> '{}') ~ '^[0-9]{1,9}$'
) counted GROUP BY "SurveyId", "QuestionId", "Day", "Value";

ALTER TABLE "Organizations" ADD "MinCellSize" integer NOT NULL DEFAULT 5;
