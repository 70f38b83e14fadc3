namespace Questra.Web.Features.Common;

/// <summary>What the calling key itself was granted — scopes, surveys, lifetime — so that no key it makes or manages exceeds it.</summary>
public sealed record KeyGrant(string KeyId, ApiScopes Scopes, IReadOnlyList<string>? SurveyIds, DateTimeOffset? ExpiresAt);
