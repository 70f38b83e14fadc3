using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000006_SurveyResponseCount")]
public sealed class SurveyResponseCount() : ScriptMigration("0011_survey_response_count");
