using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261206000005_AnswerCounts")]
public sealed class AnswerCounts() : ScriptMigration("0018_answer_counts");
