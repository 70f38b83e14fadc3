-- 0003: per-survey, per-day response roll-up, maintained by triggers so every writer keeps it right.
CREATE TABLE "SurveyResponseDays" (
    "SurveyId" TEXT NOT NULL,
    "Day" TEXT NOT NULL,
    "Total" INTEGER NOT NULL,
    "Completed" INTEGER NOT NULL,
    "FirstAt" INTEGER NOT NULL,
    "LastAt" INTEGER NOT NULL,
    CONSTRAINT "PK_SurveyResponseDays" PRIMARY KEY ("SurveyId", "Day"),
    CONSTRAINT "FK_SurveyResponseDays_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
);

INSERT INTO "SurveyResponseDays" ("SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt")
SELECT "SurveyId", "SubmittedOn", count(*), sum("Completed"), min("SubmittedAt"), max("SubmittedAt")
FROM "SurveyResponses" GROUP BY "SurveyId", "SubmittedOn";

CREATE TRIGGER "TR_SurveyResponses_Insert" AFTER INSERT ON "SurveyResponses"
BEGIN
    INSERT INTO "SurveyResponseDays" ("SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt")
    VALUES (NEW."SurveyId", NEW."SubmittedOn", 1, NEW."Completed", NEW."SubmittedAt", NEW."SubmittedAt")
    ON CONFLICT ("SurveyId", "Day") DO UPDATE SET
        "Total" = "Total" + 1,
        "Completed" = "Completed" + excluded."Completed",
        "FirstAt" = min("FirstAt", excluded."FirstAt"),
        "LastAt" = max("LastAt", excluded."LastAt");
END;

-- A removed (or changed) response: recount its day from the responses themselves.
CREATE TRIGGER "TR_SurveyResponses_Delete" AFTER DELETE ON "SurveyResponses"
BEGIN
    DELETE FROM "SurveyResponseDays" WHERE "SurveyId" = OLD."SurveyId" AND "Day" = OLD."SubmittedOn";
    INSERT INTO "SurveyResponseDays" ("SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt")
    SELECT "SurveyId", "SubmittedOn", count(*), sum("Completed"), min("SubmittedAt"), max("SubmittedAt")
    FROM "SurveyResponses" WHERE "SurveyId" = OLD."SurveyId" AND "SubmittedOn" = OLD."SubmittedOn"
    GROUP BY "SurveyId", "SubmittedOn";
END;

CREATE TRIGGER "TR_SurveyResponses_Update" AFTER UPDATE ON "SurveyResponses"
BEGIN
    DELETE FROM "SurveyResponseDays" WHERE ("SurveyId" = OLD."SurveyId" AND "Day" = OLD."SubmittedOn")
        OR ("SurveyId" = NEW."SurveyId" AND "Day" = NEW."SubmittedOn");
    INSERT INTO "SurveyResponseDays" ("SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt")
    SELECT "SurveyId", "SubmittedOn", count(*), sum("Completed"), min("SubmittedAt"), max("SubmittedAt")
    FROM "SurveyResponses"
    WHERE ("SurveyId" = OLD."SurveyId" AND "SubmittedOn" = OLD."SubmittedOn") OR ("SurveyId" = NEW."SurveyId" AND "SubmittedOn" = NEW."SubmittedOn")
    GROUP BY "SurveyId", "SubmittedOn";
END;
