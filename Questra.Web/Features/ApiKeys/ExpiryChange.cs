namespace Questra.Web.Features.ApiKeys;

public sealed record ExpiryChange(DateTimeOffset? ExpiresAt);
