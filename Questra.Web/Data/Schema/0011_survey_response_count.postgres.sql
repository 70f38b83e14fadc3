-- 0011: each survey's response total, kept by a trigger like the per-day roll-up, so the survey list reads one
-- column instead of summing the roll-up for every row of a page. Updates in place, so concurrent writers add up.
ALTER TABLE "Surveys" ADD "ResponseCount" integer NOT NULL DEFAULT 0;
UPDATE "Surveys" s SET "ResponseCount" = (SELECT count(*) FROM "SurveyResponses" r WHERE r."SurveyId" = s."Id");

CREATE FUNCTION questra_survey_response_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW."SurveyId" IS NOT DISTINCT FROM OLD."SurveyId" THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" + 1 WHERE "Id" = NEW."SurveyId";
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE "Surveys" SET "ResponseCount" = "ResponseCount" - 1 WHERE "Id" = OLD."SurveyId";
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "TR_SurveyResponses_Count" AFTER INSERT OR DELETE OR UPDATE OF "SurveyId" ON "SurveyResponses"
FOR EACH ROW EXECUTE FUNCTION questra_survey_response_count();
