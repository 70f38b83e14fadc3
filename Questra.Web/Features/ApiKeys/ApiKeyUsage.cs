namespace Questra.Web.Features.ApiKeys;

/// <summary>Key use, rolled up per key per endpoint per UTC day: one row, a count.</summary>
public sealed class ApiKeyUsage
{
    public required string ApiKeyId { get; init; }
    public required string OrganizationId { get; init; }
    public required string Endpoint { get; init; }
    public DateOnly Day { get; init; }
    public long Count { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
}
