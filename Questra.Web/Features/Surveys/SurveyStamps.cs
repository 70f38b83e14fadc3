using System.Collections.Concurrent;

namespace Questra.Web.Features.Surveys;

/// <summary>
/// When each survey last changed (<see cref="SurveyStamp"/>) and who owns it, as a conditional read (a 304) needs
/// them, kept in this instance's memory so polling an unchanged survey costs no database read.
/// <para>Every change that moves a survey's stamp goes through <see cref="SurveyAuthoring"/> (edit, publish, close,
/// delete) or <see cref="ResponseWriter"/> (a response), and both call <see cref="Changed"/> once it is committed,
/// before the change is reported done; a read that raced with a change is not kept. On PostgreSQL they also
/// announce the change to the other instances (<see cref="Channel"/>, sent inside the change's transaction, so it
/// goes out when it commits), and a stamp is served only while the channel is proven alive — the lease that
/// <see cref="ApiKeys.ApiKeyCacheSync"/> renews for the key cache renews this one too. Entries also lapse after
/// <see cref="Lifetime"/>, the last safety net. What the read API returns is never cached: only the tag's input.</para>
/// </summary>
public sealed class SurveyStamps(TimeProvider clock) : Data.LeasedCache
{
    /// <summary>The PostgreSQL channel on which an instance announces a survey change (the payload: its id).</summary>
    public const string Channel = "questra_surveys";

    /// <summary>The announcement, with <paramref name="payload"/> the placeholder for its payload (<see cref="Payloads"/>).</summary>
    public static string NotifySql(string payload) => $"SELECT pg_notify('{Channel}', {payload})";

    // PostgreSQL takes payloads under 8,000 bytes; survey ids are short and never hold a comma.
    private const int MaxPayload = 7_000;

    /// <summary>The payloads that announce <paramref name="surveyIds"/>: comma-separated ids, as many to a notice as fit.</summary>
    public static IEnumerable<string> Payloads(IEnumerable<string> surveyIds)
    {
        var payload = new System.Text.StringBuilder();
        foreach (var id in surveyIds)
        {
            if (payload.Length > 0 && payload.Length + 1 + id.Length > MaxPayload)
            {
                yield return payload.ToString();
                payload.Clear();
            }
            if (payload.Length > 0) payload.Append(',');
            payload.Append(id);
        }
        if (payload.Length > 0) yield return payload.ToString();
    }

    /// <summary>
    /// A notice from the channel: forgets the surveys it names; an empty one forgets every stamp (for an operator or
    /// a migration that changed surveys straight in the database: <c>NOTIFY questra_surveys</c>).
    /// </summary>
    public void Notified(string payload) => ForgetNamed(payload, Changed);

    /// <summary>How many surveys are remembered at most; past it, the memory starts again from empty.</summary>
    public const int MaxEntries = 20_000;

    /// <summary>How long a remembered stamp is trusted at most.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>The remembered owner and stamp of <paramref name="surveyId"/> in <paramref name="organizationId"/>, or null (read the database).</summary>
    public (string OwnerUserId, DateTimeOffset UpdatedAt)? Find(string organizationId, string surveyId)
    {
        if (!Trusted) return null; // a change elsewhere may not have reached us
        return entries.TryGetValue(surveyId, out var entry) && entry.OrganizationId == organizationId && clock.GetUtcNow() < entry.Until
            ? (entry.OwnerUserId, entry.UpdatedAt)
            : null;
    }

    public void Store(string organizationId, string surveyId, string ownerUserId, DateTimeOffset updatedAt, long readAtGeneration)
    {
        lock (Gate)
        {
            if (!MayStore(readAtGeneration)) return;
            if (entries.Count >= MaxEntries) entries.Clear();
            entries[surveyId] = new Entry(organizationId, ownerUserId, updatedAt, clock.GetUtcNow() + Lifetime);
        }
    }

    /// <summary>The survey changed (committed): forget its stamp, and refuse whatever a read in flight saw.</summary>
    public void Changed(string surveyId)
    {
        lock (Gate)
        {
            Moved();
            entries.TryRemove(surveyId, out _);
        }
    }

    public int Count => entries.Count;

    protected override void Clear() => entries.Clear();

    private sealed record Entry(string OrganizationId, string OwnerUserId, DateTimeOffset UpdatedAt, DateTimeOffset Until);
}
