-- 0008: an organization may ask that its owners and admins be emailed about every new API key.
ALTER TABLE "Organizations" ADD COLUMN "NotifyAdminsOfNewKeys" INTEGER NOT NULL DEFAULT 0;
