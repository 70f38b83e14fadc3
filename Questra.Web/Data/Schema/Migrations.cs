using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

// Hand-written migrations (no design-time tooling on this feed). Each runs its embedded SQL script; add a new
// class and script for every schema change and never edit one that has shipped.

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000000_Init")]
public sealed class Init : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0001_init", migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000001_UserSelectedOrganization")]
public sealed class UserSelectedOrganization : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0002_user_selected_org", migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000002_SurveyResponseDays")]
public sealed class SurveyResponseDays : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0003_survey_response_days", migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000003_DataProtectionKeys")]
public sealed class DataProtectionKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0004_data_protection_keys", migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000000_ApiKeyLineage")]
public sealed class ApiKeyLineage : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0005_api_key_lineage", migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000001_Outbox")]
public sealed class Outbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0006_outbox", migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000002_Invitations")]
public sealed class Invitations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0007_invitations", migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000003_KeyNoticesSetting")]
public sealed class KeyNoticesSetting : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("0008_key_notices_setting", migrationBuilder.ActiveProvider));
}
