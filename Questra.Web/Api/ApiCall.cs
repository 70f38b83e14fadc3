using Microsoft.AspNetCore.Http.Features;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Api;

/// <summary>
/// This request's authenticated key and who acts through it, bound as a handler parameter (the authentication
/// handler has already checked the key; <see cref="ApiAccessFilter"/> the organization and scope).
/// </summary>
public sealed record ApiCall(AuthenticatedKey Key, Caller Caller)
{
    public string OrganizationId => Key.OrganizationId;

    /// <summary>Whose eyes look at surveys: the key's owner with their role now, within the key's survey restriction.</summary>
    public SurveyViewer Viewer => new(Key.OrganizationId, Key.OwnerUserId, Key.OwnerRole, Key.SurveyIds);

    public static ValueTask<ApiCall?> BindAsync(HttpContext http) => ValueTask.FromResult<ApiCall?>(From(http));

    public static ApiCall From(HttpContext http)
    {
        var key = http.Features.GetRequiredFeature<AuthenticatedKey>();
        var grant = new KeyGrant(key.KeyId, key.Scopes, key.SurveyIds, key.ExpiresAt);
        return new ApiCall(key, new Caller(key.OwnerUserId, http.Connection.RemoteIpAddress?.ToString(), grant));
    }
}
