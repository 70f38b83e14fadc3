using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261206000006_AnswerTotals")]
public sealed class AnswerTotals() : ScriptMigration("0019_answer_totals");
