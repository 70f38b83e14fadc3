namespace Questra.Web.Features.ApiKeys;

public static class ApiScopeNames
{
    public const string SurveysRead = "surveys:read";
    public const string ResponsesRead = "responses:read";
    public const string ApiKeysRead = "api_keys:read";
    public const string ApiKeysWrite = "api_keys:write";

    private static readonly (ApiScopes Flag, string Name)[] All =
    [
        (ApiScopes.SurveysRead, SurveysRead),
        (ApiScopes.ResponsesRead, ResponsesRead),
        (ApiScopes.ApiKeysRead, ApiKeysRead),
        (ApiScopes.ApiKeysWrite, ApiKeysWrite),
    ];

    public static IReadOnlyList<string> AllNames { get; } = All.Select(s => s.Name).ToArray();

    public static string[] ToNames(ApiScopes scopes) =>
        All.Where(s => scopes.HasFlag(s.Flag)).Select(s => s.Name).ToArray();

    /// <summary>"Full Access" or "Data Access" when the scopes are exactly a preset, else null.</summary>
    public static string? PresetName(ApiScopes scopes) => scopes switch
    {
        ApiScopes.FullAccess => "Full Access",
        ApiScopes.DataAccess => "Data Access",
        _ => null,
    };

    /// <summary>What a scope lets a key do, in a sentence (the dashboard shows it beside the scope).</summary>
    public static string Describe(string name) => name switch
    {
        SurveysRead => "List the surveys it may reach and read their titles, status and question counts.",
        ResponsesRead => "Read response metrics: counts and completion per day. Never the answers themselves.",
        ApiKeysRead => "List and read keys (names, prefixes, scopes, expiry; never secrets): the keys its owner may manage, "
            + "and only those that do no more than this key (no scope it lacks, no survey outside its own).",
        ApiKeysWrite => "Create, roll, revoke and delete those same keys. A key it makes has at most this key's scopes and "
            + "surveys and never lives longer than it.",
        _ => "",
    };

    public static string Name(ApiScopes scope) => All.First(s => s.Flag == scope).Name;

    /// <summary>Parses scope names; returns the names it does not know in <paramref name="unknown"/>.</summary>
    public static ApiScopes Parse(IEnumerable<string?> names, out List<string> unknown)
    {
        unknown = [];
        var result = ApiScopes.None;
        foreach (var name in names)
        {
            var match = All.FirstOrDefault(s => s.Name == name);
            if (match.Flag == ApiScopes.None) unknown.Add(name ?? "null");
            else result |= match.Flag;
        }
        return result;
    }
}
