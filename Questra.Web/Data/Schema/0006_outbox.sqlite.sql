-- 0006: the mail outbox. A message is written in the same transaction as the change that causes it; a background
-- sender claims, sends and marks it; a dedupe key keeps once-only notices (key expiry) once only.
CREATE TABLE "OutboxMessages" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_OutboxMessages" PRIMARY KEY AUTOINCREMENT,
    "Kind" TEXT NOT NULL,
    "To" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "TextBody" TEXT NOT NULL,
    "HtmlBody" TEXT NOT NULL,
    "DedupeKey" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "NextAttemptAt" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "ClaimToken" TEXT NULL,
    "ClaimedUntil" INTEGER NULL,
    "SentAt" INTEGER NULL,
    "GaveUp" INTEGER NOT NULL
);

CREATE INDEX "IX_OutboxMessages_ClaimToken" ON "OutboxMessages" ("ClaimToken");
CREATE UNIQUE INDEX "IX_OutboxMessages_DedupeKey" ON "OutboxMessages" ("DedupeKey");
CREATE INDEX "IX_OutboxMessages_SentAt_NextAttemptAt" ON "OutboxMessages" ("SentAt", "NextAttemptAt");
