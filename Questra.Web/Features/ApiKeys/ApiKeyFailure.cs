namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// One recent request a recognised key made that the API refused or failed (4xx/5xx): when, which route, the
/// status and the reason the answer gave. Never a request body, header or secret. The newest
/// <see cref="UsageRecorder.FailuresKeptPerKey"/> per key are kept.
/// </summary>
public sealed class ApiKeyFailure
{
    public long Id { get; init; }
    public required string ApiKeyId { get; init; }
    public required string OrganizationId { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    /// <summary>"GET /api/surveys/{id}": the route's pattern, never the path with its values.</summary>
    public required string Endpoint { get; init; }
    public int Status { get; init; }
    public required string Reason { get; init; }
}
