-- 0009: a key made in the dashboard is marked until its owner says the one-time secret was saved (Done).
ALTER TABLE "ApiKeys" ADD "SecretUnconfirmed" boolean NOT NULL DEFAULT FALSE;
