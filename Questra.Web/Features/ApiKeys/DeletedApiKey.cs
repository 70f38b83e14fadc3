namespace Questra.Web.Features.ApiKeys;

/// <summary>A deleted key's hash, kept so that its next use answers "deleted" rather than "unknown".</summary>
public sealed class DeletedApiKey
{
    public required byte[] SecretHash { get; init; }
    public required string KeyId { get; init; }
    public DateTimeOffset DeletedAt { get; init; }
}
