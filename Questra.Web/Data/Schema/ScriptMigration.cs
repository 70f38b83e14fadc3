using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

/// <summary>
/// A hand-written migration that runs its embedded SQL script for the active database. Each migration is a file
/// <c>NNNN_Name.cs</c> beside its scripts; add a new one for every schema change and never edit one that has shipped.
/// </summary>
public abstract class ScriptMigration(string script) : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read(script, migrationBuilder.ActiveProvider));
}
