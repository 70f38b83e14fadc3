-- 0009: a key made in the dashboard is marked until its owner says the one-time secret was saved (Done).
ALTER TABLE "ApiKeys" ADD COLUMN "SecretUnconfirmed" INTEGER NOT NULL DEFAULT 0;
