using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.Email;

/// <summary>
/// How much mail one person can make Questra send, so it cannot be used as a relay: counted from the outbox (kept a
/// week) and the audit log, so every instance sees the same counts.
/// <list type="bullet">
/// <item>Account mail that anyone can trigger with an address (confirmation, password reset, "someone tried to
/// register"): at most <see cref="AccountMailPerAddressPerHour"/> of each kind an hour to one address; beyond, nothing
/// is sent and the page says the same as always (it names the limit for every address, so it tells nobody who has an
/// account). Each kind counts apart, so asking for confirmations cannot use up an address's password resets; someone
/// asking for one address's resets again and again can still delay that address's next reset by up to an hour.</item>
/// <item>Invitations, sent or resent: at most <see cref="InvitationsPerSenderPerHour"/> an hour by one person, and
/// <see cref="InvitationsPerAddressPerDay"/> a day to one address.</item>
/// </list>
/// </summary>
public sealed class MailLimits(QuestraDbContext db, TimeProvider clock)
{
    public const int AccountMailPerAddressPerHour = 5;
    public const int InvitationsPerSenderPerHour = 20;
    public const int InvitationsPerAddressPerDay = 3;

    /// <summary>What the anonymous account forms tell everybody.</summary>
    public static readonly string AccountMailNote =
        $"At most {AccountMailPerAddressPerHour} such emails an hour go to one address; if you asked more often, wait a while.";

    private static readonly string[] AccountKinds = ["account.confirm", "account.password_reset", "account.register_existing", "account.email_change"];

    /// <summary>Whether one more account mail of <paramref name="kind"/> may go to <paramref name="to"/> now.</summary>
    public async Task<bool> AllowsAccountMailAsync(string kind, string to)
    {
        if (!AccountKinds.Contains(kind)) return true; // notices of the account's own changes always go
        var since = clock.GetUtcNow().AddHours(-1);
        var address = Normalized(to);
        var sent = await db.OutboxMessages.CountAsync(m => m.Kind == kind && m.To.ToUpper() == address && m.CreatedAt > since);
        return sent < AccountMailPerAddressPerHour;
    }

    /// <summary>Null when <paramref name="senderId"/> may send one more invitation to <paramref name="to"/>; else why not.</summary>
    public async Task<string?> InvitationRefusalAsync(string senderId, string to, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hourAgo = now.AddHours(-1);
        var bySender = await db.AuditEvents.CountAsync(e => e.ActorUserId == senderId && e.OccurredAt > hourAgo
            && (e.Type == AuditEventTypes.MemberInvited || e.Type == AuditEventTypes.InvitationResent), ct);
        if (bySender >= InvitationsPerSenderPerHour)
        {
            return $"You sent {InvitationsPerSenderPerHour} invitations in the last hour, the most one person may. Try again later.";
        }
        var dayAgo = now.AddDays(-1);
        var address = Normalized(to);
        var toAddress = await db.OutboxMessages.CountAsync(m => m.Kind == "invitation" && m.To.ToUpper() == address && m.CreatedAt > dayAgo, ct);
        return toAddress >= InvitationsPerAddressPerDay
            ? $"{to} was sent {InvitationsPerAddressPerDay} invitations in the last day, the most one address gets. Try again tomorrow."
            : null;
    }

    private static string Normalized(string address) => address.Trim().ToUpperInvariant();
}
