using System.Text.Json;
using System.Text.Json.Serialization;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Api;

// The API's JSON shapes (snake_case on the wire). No type here carries a response's answers.

public sealed record PagedResponse<T>(IReadOnlyList<T> Data, int Page, int PageSize, int Total);

public sealed record SurveySummaryDto(string Id, string Title, string Status, DateTimeOffset CreatedAt, string OwnerId, int ResponseCount);

/// <summary>A question: its kind (<c>single_choice</c>, <c>multiple_choice</c>, <c>rating</c> 1–5, <c>nps</c> 0–10, <c>short_text</c>, <c>long_text</c>) and, for choices, its options.</summary>
public sealed record QuestionDto(int Position, string Text, string Kind, bool Required, bool Hidden, IReadOnlyList<OptionDto> Options);

/// <summary>An option of a choice question; its id stays the same when the option is renamed.</summary>
public sealed record OptionDto(int Id, string Text);

public sealed record SurveyDto(string Id, string Title, string Status, DateTimeOffset CreatedAt, string OwnerId, IReadOnlyList<QuestionDto> Questions);

public sealed record DailyCountDto(DateOnly Date, int Count);

public sealed record ResponseMetricsDto(
    string SurveyId, int Total, int Completed, double CompletionRate,
    DateTimeOffset? FirstResponseAt, DateTimeOffset? LastResponseAt, IReadOnlyList<DailyCountDto> ResponsesPerDay)
{
    public static ResponseMetricsDto From(ResponseMetrics m) => new(
        m.SurveyId, m.Total, m.Completed, m.CompletionRate, m.FirstResponseAt, m.LastResponseAt,
        m.ResponsesPerDay.Select(d => new DailyCountDto(d.Date, d.Count)).ToList());
}

public record ApiKeyDto(
    string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, IReadOnlyList<string>? SurveyIds,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked, bool Expired, DateTimeOffset? LastUsedAt, string CreatedBy,
    string? CreatedByKey, IReadOnlyList<string> AllowedIps, bool BlockedByPolicy)
{
    public static ApiKeyDto From(ApiKey k, DateTimeOffset now, KeyLifetimePolicy? policy = null) => new(
        k.Id, k.Name, k.Prefix, ApiScopeNames.ToNames(k.Scopes), k.SurveyIds, k.CreatedAt, k.ExpiresAt,
        k.IsRevoked, k.IsExpiredAt(now), k.LastUsedAt, k.CreatedByUserId, k.ParentKeyId, k.AllowedAddresses.ToStrings(),
        policy is not null && !k.IsRevoked && !k.IsExpiredAt(now) && policy.Blocks(k, now));
}

/// <summary>The only response that carries a secret: the answer to create and roll.</summary>
public sealed record CreatedApiKeyDto(
    string Id, string Name, string Prefix, IReadOnlyList<string> Scopes, IReadOnlyList<string>? SurveyIds,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked, bool Expired, DateTimeOffset? LastUsedAt, string CreatedBy,
    string? CreatedByKey, IReadOnlyList<string> AllowedIps, bool BlockedByPolicy, string Secret)
    : ApiKeyDto(Id, Name, Prefix, Scopes, SurveyIds, CreatedAt, ExpiresAt, Revoked, Expired, LastUsedAt, CreatedBy, CreatedByKey, AllowedIps, BlockedByPolicy)
{
    public static CreatedApiKeyDto From(CreatedApiKey created, DateTimeOffset now)
    {
        var k = From(created.Key, now);
        return new(k.Id, k.Name, k.Prefix, k.Scopes, k.SurveyIds, k.CreatedAt, k.ExpiresAt, k.Revoked, k.Expired, k.LastUsedAt, k.CreatedBy,
            k.CreatedByKey, k.AllowedIps, k.BlockedByPolicy, created.Secret);
    }

    // Records print their members; this one must never print its secret.
    public override string ToString() => $"CreatedApiKeyDto {{ Id = {Id}, Prefix = {Prefix} }}";
}

/// <summary>Body of <c>POST /api/api-keys</c>. <c>expires_at</c> is a string so a date without a zone can be refused.</summary>
public sealed record CreateApiKeyRequest(string? Name, string? ExpiresAt, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? SurveyIds,
    IReadOnlyList<string>? AllowedIps = null);

/// <summary>Body of <c>PUT /api/api-keys/{id}/allowed-ips</c>: the whole new list (empty: none of its own).</summary>
public sealed record AllowedIpsRequest(IReadOnlyList<string>? AllowedIps);

/// <summary>The organization's key policy, as <c>GET /api/organization/key-policy</c> answers.</summary>
/// <remarks><c>allowed_ips</c> is null for a member's key (the entries are for owners and admins); <c>address_restricted</c> says whether there is a list.</remarks>
public sealed record KeyPolicyDto(IReadOnlyList<string>? AllowedIps, bool AddressRestricted, int? MaxKeyLifetimeDays, bool KeysMustExpire)
{
    public static KeyPolicyDto From(OrgKeyPolicy p) =>
        new(p.AddressesHidden ? null : p.AllowedAddresses.ToStrings(), p.IsAddressRestricted, p.Lifetime.MaxDays, p.Lifetime.MustExpire);
}

public sealed record RollApiKeyRequest(int? GracePeriodHours);

/// <summary>
/// Serialization code for the answers, generated at build time (no reflection per type at first use, a faster
/// writer per request). Same shape as the runtime options: snake_case names.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PagedResponse<SurveySummaryDto>))]
[JsonSerializable(typeof(SurveyDto))]
[JsonSerializable(typeof(ResponseMetricsDto))]
[JsonSerializable(typeof(PagedResponse<ApiKeyDto>))]
[JsonSerializable(typeof(ApiKeyDto))]
[JsonSerializable(typeof(CreatedApiKeyDto))]
[JsonSerializable(typeof(KeyPolicyDto))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
