using Questra.Web.Data;

namespace Questra.Web.Features.Organizations;

/// <summary>
/// What membership changes do to a member's API keys, implemented by the key feature (so organizations need not know
/// how keys work): a removed member's keys stop for good, and any change of role stops cached keys at once.
/// </summary>
public interface IMemberKeys
{
    /// <summary>Revokes the member's keys in the organization and their descendants, in the caller's transaction.</summary>
    Task<int> RevokeKeysOfMemberAsync(QuestraDbContext db, string organizationId, string userId, Caller caller, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// An organization is about to be deleted (in the caller's transaction): its keys answer "deleted" from now on,
    /// like any deleted key, and what was recorded about them (usage, failures, idempotency records) goes.
    /// </summary>
    Task RetireKeysOfOrganizationAsync(QuestraDbContext db, string organizationId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Every instance forgets its cached keys: the next request reads roles and keys as they are now.</summary>
    Task KeysChangedAsync();
}
