using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000005_SurveyListOrder")]
public sealed class SurveyListOrder() : ScriptMigration("0010_survey_list_order");
