namespace Questra.Web.Features.ApiKeys;

/// <summary>A key together with its secret: the one and only time the secret exists outside the caller's hands.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret)
{
    // Records print their members; this one must never print its secret.
    public override string ToString() => $"CreatedApiKey {{ Id = {Key.Id}, Prefix = {Key.Prefix} }}";
}
