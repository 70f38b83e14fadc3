using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The hot path of every API request: format → checksum → hash → cache → one database read. Kept apart from
/// <see cref="ApiKeyService"/> (which owns every change to keys) so the check needs nothing else.
/// </summary>
public sealed class ApiKeyAuthenticator(QuestraDbContext db, ApiKeyCache cache, TimeProvider clock)
{
    /// <summary>
    /// Looks a presented secret up and decides whether it authenticates. The checksum is checked first, so a
    /// mistyped or invented key costs no database work. The owner's current role comes back with the key.
    /// </summary>
    public async Task<KeyAuthentication> AuthenticateAsync(string secret, CancellationToken ct = default)
    {
        switch (ApiKeySecret.CheckFormat(secret))
        {
            case SecretFormat.WrongPrefix:
                return KeyAuthentication.Fail($"The bearer token is not a Questra API key (keys start with '{ApiKeySecret.Prefix}').");
            case SecretFormat.Malformed:
                return KeyAuthentication.Fail($"The API key is malformed: it must be {ApiKeySecret.Length} characters of letters and digits after the prefix.");
            case SecretFormat.BadChecksum:
                return KeyAuthentication.Fail("The API key's checksum does not match: it was mistyped or truncated.");
        }

        var hash = ApiKeySecret.Hash(secret);
        var hashKey = Convert.ToBase64String(hash);
        if (cache.Find(hashKey, out var cachedExpiry) is { } cached)
        {
            return cachedExpiry is { } at && at <= clock.GetUtcNow() ? Expired(at) : KeyAuthentication.Success(cached);
        }
        var generation = cache.Generation;
        var row = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash)
            .Select(k => new
            {
                k.Id,
                k.OrganizationId,
                k.CreatedByUserId,
                k.Scopes,
                k.SurveyRestriction,
                k.ExpiresAt,
                k.RevokedAt,
                k.SecretHash,
                Role = db.Memberships.Where(m => m.OrganizationId == k.OrganizationId && m.UserId == k.CreatedByUserId)
                    .Select(m => (OrgRole?)m.Role).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);

        if (row is null || !CryptographicOperations.FixedTimeEquals(row.SecretHash, hash))
        {
            var deleted = await db.DeletedApiKeys.AsNoTracking().AnyAsync(d => d.SecretHash == hash, ct);
            return deleted
                ? KeyAuthentication.Fail("This API key was deleted.")
                : KeyAuthentication.Fail("The API key is not recognised.");
        }
        if (row.RevokedAt is not null)
        {
            return KeyAuthentication.Fail("This API key was revoked.");
        }
        if (row.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            return Expired(expires);
        }
        if (row.Role is null)
        {
            return KeyAuthentication.Fail("This API key's owner is no longer a member of its organization.");
        }
        var key = new AuthenticatedKey(row.Id, row.OrganizationId, row.CreatedByUserId, row.Role.Value, row.Scopes,
            SurveyIdList.Parse(row.SurveyRestriction), row.ExpiresAt);
        cache.Store(hashKey, key, row.ExpiresAt, generation);
        return KeyAuthentication.Success(key);
    }

    private static KeyAuthentication Expired(DateTimeOffset at) =>
        KeyAuthentication.Fail($"This API key expired at {at:yyyy-MM-ddTHH:mm:ssZ}.");

}
