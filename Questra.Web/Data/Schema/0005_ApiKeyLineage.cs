using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000000_ApiKeyLineage")]
public sealed class ApiKeyLineage() : ScriptMigration("0005_api_key_lineage");
