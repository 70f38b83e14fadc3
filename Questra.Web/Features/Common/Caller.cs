namespace Questra.Web.Features.Common;

/// <summary>
/// Who is acting: a signed-in user in the dashboard, or an API key acting for its owner.
/// A key never acts with more than its owner has now: services re-read the owner's role.
/// </summary>
public sealed record Caller(string UserId, string? Ip, KeyGrant? Key = null)
{
    public string? ApiKeyId => Key?.KeyId;
}
