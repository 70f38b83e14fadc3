namespace Questra.Web.Features.ApiKeys;

public static class SurveyIdList
{
    public static IReadOnlyList<string>? Parse(string? stored) =>
        stored is null ? null : stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string? Format(IEnumerable<string>? ids) =>
        ids is null ? null : string.Join(' ', ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
