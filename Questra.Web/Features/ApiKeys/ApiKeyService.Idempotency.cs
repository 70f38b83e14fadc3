using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// <c>Idempotency-Key</c> on creating and rolling keys through the API (Stripe's semantics, without the secret): the
/// first request that succeeds is remembered for 24 hours, in the transaction that made its key. A repeat of it —
/// after a lost answer, a timeout, a crash of either side — makes no second key; the API answers 409 naming the key
/// the first one made, because the secret was shown once, in the first answer, and is stored nowhere to show again.
/// The same idempotency key with another request is refused (422). Only successes are remembered: a request refused
/// for its input can be corrected and sent again with the same key.
/// </summary>
public sealed partial class ApiKeyService
{
    /// <summary>The earlier request the calling key sent with this idempotency key within the window, if any.</summary>
    public async Task<EarlierRequest?> EarlierRequestAsync(string organizationId, Caller caller, IdempotentRequest request, CancellationToken ct = default)
    {
        if (caller.Key is not { } grant) return null;
        var since = clock.GetUtcNow() - IdempotentRequest.Window;
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.CallerKeyId == grant.KeyId && r.Key == request.Key && r.OrganizationId == organizationId && r.CreatedAt > since, ct);
        if (record is null) return null;
        var same = CryptographicOperations.FixedTimeEquals(record.Fingerprint, request.Fingerprint);
        var key = same ? await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == record.ResultKeyId && k.OrganizationId == organizationId, ct) : null;
        return new EarlierRequest(same, record.CreatedAt, record.ResultKeyId, key);
    }

    /// <summary>
    /// Adds the record of this request to the transaction that makes <paramref name="made"/>, and forgets records
    /// past the window. Nothing to do for dashboard requests or requests without the header.
    /// </summary>
    private async Task RememberAsync(string organizationId, Caller caller, IdempotentRequest? request, ApiKey made, DateTimeOffset now, CancellationToken ct)
    {
        if (request is null || caller.Key is not { } grant) return;
        await db.IdempotencyRecords.Where(r => r.CreatedAt <= now - IdempotentRequest.Window).ExecuteDeleteAsync(ct);
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            CallerKeyId = grant.KeyId,
            Key = request.Key,
            OrganizationId = organizationId,
            Fingerprint = request.Fingerprint,
            ResultKeyId = made.Id,
            CreatedAt = now,
        });
    }

    private static readonly ServiceError IdempotencyRace = new(ErrorKind.Conflict,
        "Another request with this Idempotency-Key was being carried out at the same time; nothing was made by this one. Send it again to learn what the other one made.");

    /// <summary>Saves the transaction's changes; a concurrent request with the same idempotency key that won is a 409.</summary>
    private async Task<ServiceError?> SaveRememberingAsync(IdempotentRequest? request, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (IsIdempotencyRace(e, request))
        {
            db.ChangeTracker.Clear();
            return IdempotencyRace;
        }
    }

    private bool IsIdempotencyRace(DbUpdateException e, IdempotentRequest? request) =>
        request is not null && e.IsUniqueViolation() && db.ChangeTracker.Entries<IdempotencyRecord>().Any(r => r.State == EntityState.Added);
}
