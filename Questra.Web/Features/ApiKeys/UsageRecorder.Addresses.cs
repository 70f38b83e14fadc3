using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Learn mode and refused addresses, counted in memory like the usage and written with it: each key's recent client
/// addresses (bounded per key), and the requests refused for their address, rolled up into one audit event per key,
/// address and hour (and at most <see cref="RefusedAddressesPerKeyPerHour"/> addresses a key an hour, the rest in one
/// event), so a scanner cannot flood the log.
/// </summary>
public sealed partial class UsageRecorder
{
    public const int AddressesKeptPerKey = 20;
    public const int AddressDays = 30;
    public const int RefusedAddressesPerKeyPerHour = 20;

    private sealed class Seen
    {
        public DateTimeOffset First, Last;
        public long Count;
    }

    private sealed class KeyAddresses(string organizationId)
    {
        public string OrganizationId { get; } = organizationId;
        public Dictionary<IPAddress, Seen> Seen { get; } = [];
    }

    private sealed class RefusalHour(string organizationId, string ownerUserId)
    {
        public string OrganizationId { get; } = organizationId;
        public string OwnerUserId { get; } = ownerUserId;
        public Dictionary<IPAddress, long> Counts { get; } = [];
        /// <summary>What the events written so far said, per address (<see cref="IPAddress.None"/> for the addresses over the cap).</summary>
        public Dictionary<IPAddress, long> Written { get; } = [];
        public long Others;
    }

    private readonly ConcurrentDictionary<string, KeyAddresses> pendingAddresses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string KeyId, long Hour), RefusalHour> refusals = new();

    /// <summary>A request of <paramref name="key"/> from <paramref name="address"/> that its address rules let through.</summary>
    public void RecordAddress(AuthenticatedKey key, IPAddress? address)
    {
        if (address is null) return;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var now = clock.GetUtcNow();
        var entry = pendingAddresses.GetOrAdd(key.KeyId, static (_, org) => new KeyAddresses(org), key.OrganizationId);
        lock (entry)
        {
            if (!entry.Seen.TryGetValue(address, out var seen))
            {
                if (entry.Seen.Count >= AddressesKeptPerKey)
                {
                    // Bounded: the least recently seen gives way (the stored list keeps the most recent ones too).
                    entry.Seen.Remove(entry.Seen.MinBy(s => s.Value.Last).Key);
                }
                entry.Seen[address] = seen = new Seen { First = now };
            }
            seen.Last = now;
            seen.Count++;
        }
    }

    /// <summary>A request of <paramref name="key"/> refused because it came from <paramref name="address"/>.</summary>
    public void RecordRefusedAddress(AuthenticatedKey key, IPAddress? address)
    {
        address = address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var hour = clock.GetUtcNow().UtcTicks / TimeSpan.TicksPerHour;
        var entry = refusals.GetOrAdd((key.KeyId, hour), static (_, k) => new RefusalHour(k.OrganizationId, k.OwnerUserId), key);
        lock (entry)
        {
            if (entry.Counts.TryGetValue(address, out var count)) entry.Counts[address] = count + 1;
            else if (entry.Counts.Count < RefusedAddressesPerKeyPerHour) entry.Counts[address] = 1;
            else entry.Others++;
        }
    }

    private sealed record TakenAddress(string KeyId, string OrganizationId, IPAddress Address, Seen Seen);

    private List<TakenAddress> TakeAddresses()
    {
        var taken = new List<TakenAddress>();
        foreach (var (keyId, entry) in pendingAddresses)
        {
            lock (entry)
            {
                taken.AddRange(entry.Seen.Select(s => new TakenAddress(keyId, entry.OrganizationId, s.Key, s.Value)));
                entry.Seen.Clear();
            }
        }
        return taken;
    }

    private void PutBack(List<TakenAddress> taken)
    {
        foreach (var t in taken)
        {
            var entry = pendingAddresses.GetOrAdd(t.KeyId, static (_, org) => new KeyAddresses(org), t.OrganizationId);
            lock (entry)
            {
                if (entry.Seen.TryGetValue(t.Address, out var newer))
                {
                    newer.First = t.Seen.First;
                    newer.Count += t.Seen.Count;
                }
                else if (entry.Seen.Count < AddressesKeptPerKey)
                {
                    entry.Seen[t.Address] = t.Seen;
                }
            }
        }
    }

    /// <summary>One audit event to write: the first for a key, address and hour, or the closing one with the hour's total.</summary>
    private sealed record RefusalEvent(string KeyId, long Hour, RefusalHour Entry, IPAddress Address, long Count, long WrittenBefore, bool Final);

    // Over the cap, the rest of a key's refused addresses that hour are counted under this one.
    private static readonly IPAddress OtherAddresses = IPAddress.None;

    /// <summary>
    /// At most two events per key, address and hour: the first when the address is first refused, and — if more
    /// refusals followed — one when the hour is over (or the app stops) with the hour's total.
    /// </summary>
    private List<RefusalEvent> TakeRefusals(bool closing)
    {
        var events = new List<RefusalEvent>();
        var currentHour = clock.GetUtcNow().UtcTicks / TimeSpan.TicksPerHour;
        foreach (var ((keyId, hour), entry) in refusals)
        {
            var over = closing || hour < currentHour;
            lock (entry)
            {
                var counts = entry.Counts.ToList();
                if (entry.Others > 0) counts.Add(new(OtherAddresses, entry.Others));
                foreach (var (address, count) in counts)
                {
                    var written = entry.Written.GetValueOrDefault(address);
                    if (written == 0 || (over && count > written))
                    {
                        events.Add(new RefusalEvent(keyId, hour, entry, address, count, written, Final: written > 0 || over));
                        entry.Written[address] = count;
                    }
                }
            }
            // An hour that is over and written is done with; the next refusal starts a new hour.
            if (hour < currentHour) refusals.TryRemove((keyId, hour), out _);
        }
        return events;
    }

    private void Unmark(List<RefusalEvent> events)
    {
        foreach (var e in events)
        {
            lock (e.Entry)
            {
                if (e.WrittenBefore == 0) e.Entry.Written.Remove(e.Address);
                else e.Entry.Written[e.Address] = e.WrittenBefore;
            }
            refusals.TryAdd((e.KeyId, e.Hour), e.Entry); // written next time, even if its hour is over
        }
    }

    /// <summary>Writes learned addresses and refusal events (the part of a flush after the usage counts).</summary>
    private async Task FlushAddressesAsync(bool closing, CancellationToken ct)
    {
        var addresses = TakeAddresses();
        var events = TakeRefusals(closing);
        if (addresses.Count == 0 && events.Count == 0) return;
        try
        {
            await WriteAddressesAsync(addresses, events, ct);
        }
        catch
        {
            PutBack(addresses);
            Unmark(events);
            throw;
        }
    }

    private async Task WriteAddressesAsync(List<TakenAddress> addresses, List<RefusalEvent> events, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var postgres = db.Database.IsNpgsql();
        var now = clock.GetUtcNow();
        var keyIds = addresses.Select(a => a.KeyId).Concat(events.Select(e => e.KeyId)).Distinct().ToList();
        var named = await db.ApiKeys.Where(k => keyIds.Contains(k.Id)).Select(k => new { k.Id, k.Name, k.Prefix }).ToDictionaryAsync(k => k.Id, StringComparer.Ordinal, ct);
        var existing = named.Keys.ToHashSet(StringComparer.Ordinal);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var a in addresses.Where(a => existing.Contains(a.KeyId)).OrderBy(a => a.KeyId, StringComparer.Ordinal).ThenBy(a => a.Address.ToString(), StringComparer.Ordinal))
        {
            var text = a.Address.ToString();
            if (postgres)
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "ApiKeyAddresses" AS a ("ApiKeyId", "Address", "OrganizationId", "FirstSeenAt", "LastSeenAt", "Count")
                    VALUES ({a.KeyId}, {text}, {a.OrganizationId}, {a.Seen.First}, {a.Seen.Last}, {a.Seen.Count})
                    ON CONFLICT ("ApiKeyId", "Address") DO UPDATE SET "Count" = a."Count" + excluded."Count",
                        "FirstSeenAt" = least(a."FirstSeenAt", excluded."FirstSeenAt"), "LastSeenAt" = greatest(a."LastSeenAt", excluded."LastSeenAt")
                    """, ct);
            }
            else
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "ApiKeyAddresses" ("ApiKeyId", "Address", "OrganizationId", "FirstSeenAt", "LastSeenAt", "Count")
                    VALUES ({a.KeyId}, {text}, {a.OrganizationId}, {a.Seen.First.UtcTicks}, {a.Seen.Last.UtcTicks}, {a.Seen.Count})
                    ON CONFLICT ("ApiKeyId", "Address") DO UPDATE SET "Count" = "Count" + excluded."Count",
                        "FirstSeenAt" = min("FirstSeenAt", excluded."FirstSeenAt"), "LastSeenAt" = max("LastSeenAt", excluded."LastSeenAt")
                    """, ct);
            }
        }
        // Only the last 30 days, and only the most recent few of those, per key.
        var cutoff = now.AddDays(-AddressDays);
        foreach (var keyId in addresses.Select(a => a.KeyId).Where(existing.Contains).Distinct().Order(StringComparer.Ordinal))
        {
            await db.ApiKeyAddresses.Where(a => a.ApiKeyId == keyId && a.LastSeenAt < cutoff).ExecuteDeleteAsync(ct);
            var beyond = await db.ApiKeyAddresses.Where(a => a.ApiKeyId == keyId).OrderByDescending(a => a.LastSeenAt).ThenBy(a => a.Address)
                .Skip(AddressesKeptPerKey).Select(a => a.Address).ToListAsync(ct);
            if (beyond.Count > 0) await db.ApiKeyAddresses.Where(a => a.ApiKeyId == keyId && beyond.Contains(a.Address)).ExecuteDeleteAsync(ct);
        }
        foreach (var e in events.Where(e => existing.Contains(e.KeyId)))
        {
            var hourStart = new DateTimeOffset(e.Hour * TimeSpan.TicksPerHour, TimeSpan.Zero);
            var address = e.Address.Equals(OtherAddresses) ? null : e.Address.ToString();
            db.AddKeyEvent(e.Entry.OrganizationId, e.KeyId, e.Entry.OwnerUserId, address, AuditEventTypes.ApiKeyAddressRefused, now,
                new { name = named[e.KeyId].Name, prefix = named[e.KeyId].Prefix, address, other_addresses = address is null, requests = e.Count, hour = hourStart, hour_total = e.Final });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
