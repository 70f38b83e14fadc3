-- 0020: random keys every instance of a deployment shares (the public form's token key), each wrapped by the
-- Data Protection key ring.
CREATE TABLE "ServerSecrets" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_ServerSecrets" PRIMARY KEY,
    "Value" BLOB NOT NULL
);
