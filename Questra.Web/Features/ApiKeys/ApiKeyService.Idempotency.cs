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
    internal async Task<EarlierRequest?> EarlierRequestAsync(string organizationId, Caller caller, IdempotentRequest request, CancellationToken ct = default)
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
    /// The first write of the transaction that makes <paramref name="made"/>: the record of this request, saved at
    /// once so that a concurrent repeat waits on its primary key and fails cleanly before writing anything else (a
    /// 409). Records of the calling key past the window are forgotten first, outside the transaction. Nothing to do
    /// for dashboard requests or requests without the header.
    /// </summary>
    private async Task<ServiceError?> RememberFirstAsync(string organizationId, Caller caller, IdempotentRequest? request, ApiKey made, DateTimeOffset now, CancellationToken ct)
    {
        if (request is null || caller.Key is not { } grant) return null;
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            CallerKeyId = grant.KeyId,
            Key = request.Key,
            OrganizationId = organizationId,
            Fingerprint = request.Fingerprint,
            ResultKeyId = made.Id,
            CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return IdempotencyRace;
        }
    }

    /// <summary>Forgets the calling key's records past the window (its own rows: no contention with other keys).</summary>
    private async Task ForgetExpiredAsync(Caller caller, IdempotentRequest? request, DateTimeOffset now, CancellationToken ct)
    {
        if (request is null || caller.Key is not { } grant) return;
        var cutoff = now - IdempotentRequest.Window;
        await db.IdempotencyRecords.Where(r => r.CallerKeyId == grant.KeyId && r.CreatedAt <= cutoff).ExecuteDeleteAsync(ct);
    }

    private static readonly ServiceError IdempotencyRace = new(ErrorKind.Conflict,
        "Another request with this Idempotency-Key was being carried out at the same time; nothing was made by this one. Send it again to learn what the other one made.");
}
