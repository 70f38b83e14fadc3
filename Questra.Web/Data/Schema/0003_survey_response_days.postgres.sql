-- 0003: per-survey, per-day response roll-up, maintained by triggers so every writer keeps it right.
CREATE TABLE "SurveyResponseDays" (
    "SurveyId" character varying(80) NOT NULL,
    "Day" date NOT NULL,
    "Total" integer NOT NULL,
    "Completed" integer NOT NULL,
    "FirstAt" timestamp with time zone NOT NULL,
    "LastAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_SurveyResponseDays" PRIMARY KEY ("SurveyId", "Day"),
    CONSTRAINT "FK_SurveyResponseDays_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

INSERT INTO "SurveyResponseDays" ("SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt")
SELECT "SurveyId", "SubmittedOn", count(*), count(*) FILTER (WHERE "Completed"), min("SubmittedAt"), max("SubmittedAt")
FROM "SurveyResponses" GROUP BY "SurveyId", "SubmittedOn";

-- Recounts one survey-day from the responses themselves (after a response is removed or changed).
CREATE FUNCTION questra_recount_response_day(survey_id character varying, day date) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM "SurveyResponseDays" WHERE "SurveyId" = survey_id AND "Day" = day;
    INSERT INTO "SurveyResponseDays" ("SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt")
    SELECT "SurveyId", "SubmittedOn", count(*), count(*) FILTER (WHERE "Completed"), min("SubmittedAt"), max("SubmittedAt")
    FROM "SurveyResponses" WHERE "SurveyId" = survey_id AND "SubmittedOn" = day
    GROUP BY "SurveyId", "SubmittedOn";
$$;

CREATE FUNCTION questra_survey_responses_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Upsert in place, so concurrent writers add up.
        INSERT INTO "SurveyResponseDays" AS d ("SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt")
        VALUES (NEW."SurveyId", NEW."SubmittedOn", 1, CASE WHEN NEW."Completed" THEN 1 ELSE 0 END, NEW."SubmittedAt", NEW."SubmittedAt")
        ON CONFLICT ("SurveyId", "Day") DO UPDATE SET
            "Total" = d."Total" + 1,
            "Completed" = d."Completed" + excluded."Completed",
            "FirstAt" = least(d."FirstAt", excluded."FirstAt"),
            "LastAt" = greatest(d."LastAt", excluded."LastAt");
        RETURN NULL;
    END IF;
    PERFORM questra_recount_response_day(OLD."SurveyId", OLD."SubmittedOn");
    IF TG_OP = 'UPDATE' AND (NEW."SurveyId", NEW."SubmittedOn") IS DISTINCT FROM (OLD."SurveyId", OLD."SubmittedOn") THEN
        PERFORM questra_recount_response_day(NEW."SurveyId", NEW."SubmittedOn");
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "TR_SurveyResponses_Changed" AFTER INSERT OR UPDATE OR DELETE ON "SurveyResponses"
FOR EACH ROW EXECUTE FUNCTION questra_survey_responses_changed();
