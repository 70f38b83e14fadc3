using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

// Hand-written migrations: each runs its embedded SQL script (one per database); add a new
// class and script for every schema change and never edit one that has shipped.

/// <summary>A migration that runs its embedded SQL script for the active database.</summary>
public abstract class ScriptMigration(string script) : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read(script, migrationBuilder.ActiveProvider));
}

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000000_Init")]
public sealed class Init() : ScriptMigration("0001_init");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000001_UserSelectedOrganization")]
public sealed class UserSelectedOrganization() : ScriptMigration("0002_user_selected_org");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000002_SurveyResponseDays")]
public sealed class SurveyResponseDays() : ScriptMigration("0003_survey_response_days");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000003_DataProtectionKeys")]
public sealed class DataProtectionKeys() : ScriptMigration("0004_data_protection_keys");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000000_ApiKeyLineage")]
public sealed class ApiKeyLineage() : ScriptMigration("0005_api_key_lineage");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000001_Outbox")]
public sealed class Outbox() : ScriptMigration("0006_outbox");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000002_Invitations")]
public sealed class Invitations() : ScriptMigration("0007_invitations");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000003_KeyNoticesSetting")]
public sealed class KeyNoticesSetting() : ScriptMigration("0008_key_notices_setting");

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000004_ApiKeySecretUnconfirmed")]
public sealed class ApiKeySecretUnconfirmed() : ScriptMigration("0009_api_key_secret_unconfirmed");
