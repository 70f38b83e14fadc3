using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000002_SurveyResponseDays")]
public sealed class SurveyResponseDays() : ScriptMigration("0003_survey_response_days");
