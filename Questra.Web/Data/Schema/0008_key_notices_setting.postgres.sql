-- 0008: an organization may ask that its owners and admins be emailed about every new API key.
ALTER TABLE "Organizations" ADD "NotifyAdminsOfNewKeys" boolean NOT NULL DEFAULT FALSE;
