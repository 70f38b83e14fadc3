using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000004_ApiKeySecretUnconfirmed")]
public sealed class ApiKeySecretUnconfirmed() : ScriptMigration("0009_api_key_secret_unconfirmed");
