-- 0020: random keys every instance of a deployment shares (the public form's token key), each wrapped by the
-- Data Protection key ring.
CREATE TABLE "ServerSecrets" (
    "Name" character varying(100) NOT NULL,
    "Value" bytea NOT NULL,
    CONSTRAINT "PK_ServerSecrets" PRIMARY KEY ("Name")
);
