using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000003_DataProtectionKeys")]
public sealed class DataProtectionKeys() : ScriptMigration("0004_data_protection_keys");
