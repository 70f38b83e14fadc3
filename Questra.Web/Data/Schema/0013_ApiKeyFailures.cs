using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261205000002_ApiKeyFailures")]
public sealed class ApiKeyFailures() : ScriptMigration("0013_api_key_failures");
