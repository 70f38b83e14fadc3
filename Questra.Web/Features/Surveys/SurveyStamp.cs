using Questra.Web.Data;

namespace Questra.Web.Features.Surveys;

/// <summary>
/// How a change moves a survey's <see cref="Survey.UpdatedAt"/>: to the time of the change, and always forward —
/// by the smallest step the database keeps (a tick on SQLite, a microsecond on PostgreSQL) when the stored stamp
/// is already there or ahead (two changes in one tick, or another instance whose clock runs ahead). So every
/// change gives a new stamp: a sync past the old one lists the survey again, and a tag made from it changes.
/// </summary>
public static class SurveyStamp
{
    /// <summary>The UPDATE, with <paramref name="id"/> and <paramref name="at"/> as the placeholders for the survey id and the time.</summary>
    public static string Sql(DatabaseProvider provider, string id, string at) =>
        $"""UPDATE "Surveys" SET "UpdatedAt" = CASE WHEN "UpdatedAt" >= {at} THEN "UpdatedAt" + {(provider == DatabaseProvider.PostgreSQL ? "interval '1 microsecond'" : "1")} ELSE {at} END WHERE "Id" = {id}""";

    /// <summary>The time as the provider stores it, for <see cref="Sql"/> run through EF Core (SQLite keeps UTC ticks).</summary>
    public static object Value(DatabaseProvider provider, DateTimeOffset at) => provider == DatabaseProvider.PostgreSQL ? at.ToUniversalTime() : at.UtcTicks;
}
