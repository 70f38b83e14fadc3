namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// What a caller asks for when creating a key. Null scopes/surveys from a key mean "the same as the calling key";
/// null or empty addresses mean no list of its own (a calling key's, and the organization's, still apply).
/// </summary>
public sealed record ApiKeyInput(string? Name, DateTimeOffset? ExpiresAt, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? SurveyIds,
    IReadOnlyList<string>? AllowedIps = null);
