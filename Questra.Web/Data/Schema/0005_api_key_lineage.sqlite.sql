-- 0005: a key made by a key remembers its parent (rule 8), so revoking or deleting a key can stop its descendants.
ALTER TABLE "ApiKeys" ADD COLUMN "ParentKeyId" TEXT NULL;

CREATE INDEX "IX_ApiKeys_ParentKeyId" ON "ApiKeys" ("ParentKeyId");
