-- 0012: surveys written in the dashboard and answered through a public link. A survey gains a description and
-- its public link id (random, unique, apart from the API id); a question gains required/hidden flags and the
-- options of a choice question (a JSON array of {id, text}). The old free-text kind "text" becomes "long_text".
ALTER TABLE "Surveys" ADD "Description" character varying(2000) NULL;
ALTER TABLE "Surveys" ADD "PublicId" character varying(80) NOT NULL DEFAULT '';
UPDATE "Surveys" SET "PublicId" = replace(gen_random_uuid()::text, '-', '');
ALTER TABLE "Surveys" ALTER COLUMN "PublicId" DROP DEFAULT;
CREATE UNIQUE INDEX "IX_Surveys_PublicId" ON "Surveys" ("PublicId");

ALTER TABLE "SurveyQuestions" ADD "Required" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "SurveyQuestions" ADD "Hidden" boolean NOT NULL DEFAULT FALSE;
ALTER TABLE "SurveyQuestions" ADD "Options" text NOT NULL DEFAULT '[]';
UPDATE "SurveyQuestions" SET "Kind" = 'long_text' WHERE "Kind" = 'text';
