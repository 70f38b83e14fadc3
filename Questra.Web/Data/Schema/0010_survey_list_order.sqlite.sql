-- 0010: indexes in the survey list's order (newest first, ties by id), for all of an org's surveys and for one
-- member's, so a page is read in order without sorting.
DROP INDEX "IX_Surveys_OrganizationId_CreatedAt";
DROP INDEX "IX_Surveys_OrganizationId_OwnerUserId";
CREATE INDEX "IX_Surveys_OrganizationId_CreatedAt_Id" ON "Surveys" ("OrganizationId", "CreatedAt" DESC, "Id");
CREATE INDEX "IX_Surveys_OrganizationId_OwnerUserId_CreatedAt_Id" ON "Surveys" ("OrganizationId", "OwnerUserId", "CreatedAt" DESC, "Id");

-- The per-day roll-up becomes a WITHOUT ROWID table: its rows live in the primary key's b-tree, so reading a
-- survey's days is one range scan instead of a key lookup and a row lookup per day. SQLite cannot change that in
-- place: the table is rebuilt, and the triggers that write it are dropped first and made again unchanged.
DROP TRIGGER "TR_SurveyResponses_Insert";
DROP TRIGGER "TR_SurveyResponses_Delete";
DROP TRIGGER "TR_SurveyResponses_Update";
CREATE TABLE "SurveyResponseDays_new" (
    "SurveyId" TEXT NOT NULL,
    "Day" TEXT NOT NULL,
    "Total" INTEGER NOT NULL,
    "Completed" INTEGER NOT NULL,
    "FirstAt" INTEGER NOT NULL,
    "LastAt" INTEGER NOT NULL,
    CONSTRAINT "PK_SurveyResponseDays" PRIMARY KEY ("SurveyId", "Day"),
    CONSTRAINT "FK_SurveyResponseDays_Surveys_SurveyId" FOREIGN KEY ("SurveyId") REFERENCES "Surveys" ("Id") ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO "SurveyResponseDays_new" SELECT "SurveyId", "Day", "Total", "Completed", "FirstAt", "LastAt" FROM "SurveyResponseDays";
DROP TABLE "SurveyResponseDays";
ALTER TABLE "SurveyResponseDays_new" RENAME TO "SurveyResponseDays";

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
