using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Api;

/// <summary>
/// This request's authenticated key and who acts through it, bound as a handler parameter (the authentication
/// handler has already checked the key; <see cref="ApiAccessFilter"/> the organization and scope). Only the key is
/// read when binding: the survey reads, the hot path, never build the caller they do not use.
/// </summary>
public sealed class ApiCall(AuthenticatedKey key, IPAddress? clientAddress)
{
    public AuthenticatedKey Key => key;

    public string OrganizationId => key.OrganizationId;

    /// <summary>Whose eyes look at surveys: the key's owner with their role now, within the key's survey restriction.</summary>
    public SurveyViewer Viewer => new(key.OrganizationId, key.OwnerUserId, key.OwnerRole, key.SurveyIds);

    /// <summary>The key's owner acting through this key, within what the key itself was granted (for key management).</summary>
    public Caller Caller => new(key.OwnerUserId, clientAddress?.ToString(), new KeyGrant(key.KeyId, key.Scopes, key.SurveyIds, key.ExpiresAt, key.Rules?.LineageLists));

    public static ValueTask<ApiCall?> BindAsync(HttpContext http) =>
        ValueTask.FromResult<ApiCall?>(new ApiCall(http.Features.GetRequiredFeature<AuthenticatedKey>(), http.Connection.RemoteIpAddress));
}
