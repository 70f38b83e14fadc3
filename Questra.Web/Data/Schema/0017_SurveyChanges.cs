using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261206000004_SurveyChanges")]
public sealed class SurveyChanges() : ScriptMigration("0017_survey_changes");
