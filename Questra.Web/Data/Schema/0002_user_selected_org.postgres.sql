-- 0002: the dashboard's org switcher remembers the user's choice.
ALTER TABLE "AspNetUsers" ADD "SelectedOrganizationId" character varying(80) NULL;
