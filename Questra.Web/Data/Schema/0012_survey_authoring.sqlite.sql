-- 0012: surveys written in the dashboard and answered through a public link. A survey gains a description and
-- its public link id (random, unique, apart from the API id); a question gains required/hidden flags and the
-- options of a choice question (a JSON array of {id, text}). The old free-text kind "text" becomes "long_text".
ALTER TABLE "Surveys" ADD COLUMN "Description" TEXT NULL;
ALTER TABLE "Surveys" ADD COLUMN "PublicId" TEXT NOT NULL DEFAULT '';
UPDATE "Surveys" SET "PublicId" = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX "IX_Surveys_PublicId" ON "Surveys" ("PublicId");

ALTER TABLE "SurveyQuestions" ADD COLUMN "Required" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SurveyQuestions" ADD COLUMN "Hidden" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SurveyQuestions" ADD COLUMN "Options" TEXT NOT NULL DEFAULT '[]';
UPDATE "SurveyQuestions" SET "Kind" = 'long_text' WHERE "Kind" = 'text';
