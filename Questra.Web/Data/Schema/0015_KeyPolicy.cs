using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261206000002_KeyPolicy")]
public sealed class KeyPolicy() : ScriptMigration("0015_key_policy");
