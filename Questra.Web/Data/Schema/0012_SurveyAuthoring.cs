using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261205000001_SurveyAuthoring")]
public sealed class SurveyAuthoring() : ScriptMigration("0012_survey_authoring");
