using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261206000001_IdempotencyRecords")]
public sealed class IdempotencyRecords() : ScriptMigration("0014_idempotency_records");
