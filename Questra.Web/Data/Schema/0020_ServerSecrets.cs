using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261207000001_ServerSecrets")]
public sealed class ServerSecretsTable() : ScriptMigration("0020_server_secrets");
