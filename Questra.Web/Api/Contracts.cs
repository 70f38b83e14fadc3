using System.Text.Json;
using System.Text.Json.Serialization;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Api;

// The API's JSON shapes (snake_case on the wire). No type here carries a response's answers.

public sealed record PagedResponse<T>(IReadOnlyList<T> Data, int Page, int PageSize, int Total);

/// <summary>A survey in a list. <c>updated_at</c>: its last change the API shows (title, status, questions, a new response).</summary>
public sealed record SurveySummaryDto(string Id, string Title, string Status, DateTimeOffset CreatedAt, string OwnerId, int ResponseCount, DateTimeOffset UpdatedAt)
{
    public static SurveySummaryDto From(SurveySummary s) => new(s.Id, s.Title, s.Status.ToString(), s.CreatedAt, s.OwnerUserId, s.ResponseCount, s.UpdatedAt);
}

/// <summary>A question: its kind (<c>single_choice</c>, <c>multiple_choice</c>, <c>rating</c> 1–5, <c>nps</c> 0–10, <c>short_text</c>, <c>long_text</c>) and, for choices, its options.</summary>
public sealed record QuestionDto(int Position, string Text, string Kind, bool Required, bool Hidden, IReadOnlyList<OptionDto> Options);

/// <summary>An option of a choice question; its id stays the same when the option is renamed.</summary>
public sealed record OptionDto(int Id, string Text);

public sealed record SurveyDto(string Id, string Title, string Status, DateTimeOffset CreatedAt, string OwnerId, IReadOnlyList<QuestionDto> Questions,
    DateTimeOffset UpdatedAt);

public sealed record DailyCountDto(DateOnly Date, int Count);

public sealed record ResponseMetricsDto(
    string SurveyId, int Total, int Completed, double CompletionRate,
    DateTimeOffset? FirstResponseAt, DateTimeOffset? LastResponseAt, IReadOnlyList<DailyCountDto> ResponsesPerDay)
{
    public static ResponseMetricsDto From(ResponseMetrics m) => new(
        m.SurveyId, m.Total, m.Completed, m.CompletionRate, m.FirstResponseAt, m.LastResponseAt,
        m.ResponsesPerDay.Select(d => new DailyCountDto(d.Date, d.Count)).ToList());
}

/// <summary>A count, or null with <c>suppressed</c> when it is under the organization's minimum cell size (or would let one be worked out).</summary>
public sealed record CountDto(int? Count, bool Suppressed)
{
    public static CountDto From(CellCount c) => new(c.Count, c.Suppressed);
}

/// <summary>How often an option of a choice question was chosen.</summary>
public sealed record OptionCountDto(int Id, string? Text, int? Count, bool Suppressed);

/// <summary>How often a value of a rating (1–5) or NPS (0–10) question was given.</summary>
public sealed record ValueCountDto(int Value, int? Count, bool Suppressed);

/// <summary>
/// One question's counts over a period: <c>answered</c> (responses that answered it), <c>options</c> (choice
/// questions) or <c>values</c> and <c>mean</c> (scales); a text question has only <c>answered</c>.
/// </summary>
public sealed record QuestionCountsDto(CountDto Answered, IReadOnlyList<OptionCountDto>? Options, IReadOnlyList<ValueCountDto>? Values, double? Mean,
    bool MeanSuppressed)
{
    public static QuestionCountsDto From(string kind, QuestionPeriod p) => new(CountDto.From(p.Answered),
        QuestionKinds.HasOptions(kind) ? p.Cells.Select(c => new OptionCountDto(c.Key, c.Text, c.Count.Count, c.Count.Suppressed)).ToList() : null,
        QuestionKinds.IsScale(kind) ? p.Cells.Select(c => new ValueCountDto(c.Key, c.Count.Count, c.Count.Suppressed)).ToList() : null,
        p.Mean, p.MeanSuppressed);
}

/// <summary>A period of <c>interval</c> (a day, or an ISO week from its Monday) and its counts.</summary>
public sealed record PeriodCountsDto(DateOnly Start, QuestionCountsDto Counts);

public sealed record QuestionMetricsDto(int Position, string Text, string Kind, bool Hidden, QuestionCountsDto Total, IReadOnlyList<PeriodCountsDto>? Periods);

/// <summary>Per-question aggregates of a survey; answers themselves never leave.</summary>
public sealed record QuestionMetricsResponseDto(string SurveyId, DateOnly? From, DateOnly? To, string? Interval, int MinCellSize, IReadOnlyList<QuestionMetricsDto> Questions)
{
    public static QuestionMetricsResponseDto Of(QuestionMetricsResult r) => new(r.SurveyId, r.From, r.To,
        r.Interval == MetricsInterval.None ? null : r.Interval.ToString().ToLowerInvariant(), r.MinCellSize,
        r.Questions.Select(q => new QuestionMetricsDto(q.Position, q.Text, q.Kind, q.Hidden, QuestionCountsDto.From(q.Kind, q.Total),
            q.Periods?.Select(p => new PeriodCountsDto(p.Start, QuestionCountsDto.From(q.Kind, p.Counts))).ToList())).ToList());
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

/// <summary>A list without paging (a handful of items): <c>{ "data": [...] }</c>.</summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Data);

/// <summary>Body of <c>POST</c> and <c>PUT /api/webhooks</c>.</summary>
public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? Events, string? Description = null);

/// <summary>A webhook endpoint; never its signing secret. <c>paused</c>: enabled, but the member or key that set it up is gone.</summary>
public record WebhookEndpointDto(string Id, string Url, string? Description, IReadOnlyList<string> Events, bool Enabled, string? DisabledReason,
    bool Paused, string? PausedReason, DateTimeOffset CreatedAt, string CreatedBy, string? CreatedByKey, DateTimeOffset? PreviousSecretUntil,
    int PendingDeliveries, DateTimeOffset? LastDeliveredAt, int? LastStatusCode)
{
    public static WebhookEndpointDto From(Features.Webhooks.WebhookEndpointView v) => new(v.Endpoint.Id, v.Endpoint.Url, v.Endpoint.Description,
        v.Endpoint.Events, v.Endpoint.Enabled, v.Endpoint.DisabledReason, v.PausedReason is not null, v.PausedReason, v.Endpoint.CreatedAt,
        v.Endpoint.CreatedByUserId, v.Endpoint.CreatedByKeyId, v.Endpoint.PreviousSecretUntil, v.Pending, v.LastDeliveredAt, v.LastStatusCode);
}

/// <summary>The answer to creating an endpoint or rolling its secret: the only one that carries the signing secret.</summary>
public sealed record CreatedWebhookEndpointDto(string Id, string Url, string? Description, IReadOnlyList<string> Events, bool Enabled, string? DisabledReason,
    bool Paused, string? PausedReason, DateTimeOffset CreatedAt, string CreatedBy, string? CreatedByKey, DateTimeOffset? PreviousSecretUntil,
    int PendingDeliveries, DateTimeOffset? LastDeliveredAt, int? LastStatusCode, string Secret)
    : WebhookEndpointDto(Id, Url, Description, Events, Enabled, DisabledReason, Paused, PausedReason, CreatedAt, CreatedBy, CreatedByKey, PreviousSecretUntil,
        PendingDeliveries, LastDeliveredAt, LastStatusCode)
{
    public static CreatedWebhookEndpointDto From(Features.Webhooks.WebhookEndpointView v, string secret)
    {
        var e = WebhookEndpointDto.From(v);
        return new(e.Id, e.Url, e.Description, e.Events, e.Enabled, e.DisabledReason, e.Paused, e.PausedReason, e.CreatedAt, e.CreatedBy, e.CreatedByKey,
            e.PreviousSecretUntil, e.PendingDeliveries, e.LastDeliveredAt, e.LastStatusCode, secret);
    }

    // Records print their members; this one must never print its secret.
    public override string ToString() => $"CreatedWebhookEndpointDto {{ Id = {Id} }}";
}

public sealed record WebhookAttemptDto(DateTimeOffset At, bool Succeeded, int? StatusCode, int DurationMs, string? ResponseExcerpt, string? Error);

/// <summary>One event to one endpoint: <c>state</c> is pending, retrying, delivered or failed (gave up after a day).</summary>
public sealed record WebhookDeliveryDto(long Id, string MessageId, string Type, DateTimeOffset CreatedAt, string State, int Attempts,
    DateTimeOffset? NextAttemptAt, IReadOnlyList<WebhookAttemptDto> RecentAttempts)
{
    public static WebhookDeliveryDto From(Features.Webhooks.WebhookDeliveryView d) => new(d.Id, d.MessageId, d.Type, d.CreatedAt, d.State, d.Attempts,
        d.NextAttemptAt, d.RecentAttempts.Select(a => new WebhookAttemptDto(a.At, a.Succeeded, a.StatusCode, a.DurationMs, a.ResponseExcerpt, a.Error)).ToList());
}

/// <summary>Body of <c>POST /api/credentials/revoke</c>.</summary>
public sealed record LeakReportRequest(IReadOnlyList<string>? Credentials);

/// <summary>The one answer to a leaked-key report, whatever matched.</summary>
public sealed record LeakReportAccepted(string Status, string Message);

/// <summary>
/// Serialization code for the answers, generated at build time (no reflection per type at first use, a faster
/// writer per request). Same shape as the runtime options: snake_case names.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PagedResponse<SurveySummaryDto>))]
[JsonSerializable(typeof(CursorPage<SurveySummaryDto>))]
[JsonSerializable(typeof(CursorPage<ApiKeyDto>))]
[JsonSerializable(typeof(SurveyDto))]
[JsonSerializable(typeof(ResponseMetricsDto))]
[JsonSerializable(typeof(QuestionMetricsResponseDto))]
[JsonSerializable(typeof(PagedResponse<ApiKeyDto>))]
[JsonSerializable(typeof(ApiKeyDto))]
[JsonSerializable(typeof(CreatedApiKeyDto))]
[JsonSerializable(typeof(KeyPolicyDto))]
[JsonSerializable(typeof(ListResponse<WebhookEndpointDto>))]
[JsonSerializable(typeof(CreatedWebhookEndpointDto))]
[JsonSerializable(typeof(ListResponse<WebhookDeliveryDto>))]
[JsonSerializable(typeof(WebhookDeliveryDto))]
[JsonSerializable(typeof(LeakReportAccepted))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
