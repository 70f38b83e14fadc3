namespace Questra.Web.Data;

/// <summary>
/// What an instance's in-memory copy of database rows needs to stay honest while other instances change them
/// (<see cref="Features.ApiKeys.ApiKeyCache"/>, <see cref="Features.Surveys.SurveyStamps"/>). A generation that
/// every change moves: a value read before a change is not stored after it. And a lease, renewed while the channel
/// that carries other instances' changes is proven alive (<see cref="Features.ApiKeys.ApiKeyCacheSync"/>): past
/// it, or while suspended, nothing is served or stored. Without other instances the lease never lapses.
/// </summary>
public abstract class LeasedCache
{
    /// <summary>Held while the copy changes; a subclass stores and forgets under it.</summary>
    protected Lock Gate { get; } = new();

    private long generation;
    private bool suspended;
    // Environment.TickCount64 until which the copy may be served; without other instances, for ever.
    private long trustedUntil = long.MaxValue;

    /// <summary>Taken before reading the database; a store refuses the result if anything changed since.</summary>
    public long Generation => Interlocked.Read(ref generation);

    /// <summary>Whether the copy may be served now (a change made elsewhere cannot have been missed).</summary>
    protected bool Trusted => Environment.TickCount64 < Volatile.Read(ref trustedUntil);

    /// <summary>Under <see cref="Gate"/>: whether a value read at <paramref name="readAtGeneration"/> may be kept.</summary>
    protected bool MayStore(long readAtGeneration) =>
        readAtGeneration == generation // a change landed while it was read: it may be stale
        && !suspended && Environment.TickCount64 < trustedUntil; // changes made elsewhere would not reach us

    /// <summary>Under <see cref="Gate"/>: a change landed (reads in flight are not kept).</summary>
    protected void Moved() => generation++;

    /// <summary>Under <see cref="Gate"/>: drop everything kept.</summary>
    protected abstract void Clear();

    /// <summary>Forgets everything and keeps nothing until <see cref="Resume"/>: changes made by other instances cannot reach us.</summary>
    public void Suspend() => Reset(suspend: true);

    /// <summary>Keeping again, from empty (whatever changed meanwhile is not in it).</summary>
    public void Resume() => Reset(suspend: false);

    /// <summary>
    /// Serve the copy until <paramref name="lease"/> after <paramref name="provenAt"/> (an
    /// <see cref="Environment.TickCount64"/> taken before the channel proved alive: every change announced before
    /// then has reached us). A lease that had lapsed starts again from empty.
    /// </summary>
    public void Renew(long provenAt, TimeSpan lease)
    {
        lock (Gate)
        {
            if (Environment.TickCount64 >= trustedUntil) Reset(suspend: null);
            trustedUntil = provenAt + (long)lease.TotalMilliseconds;
        }
    }

    /// <summary>From now on the copy is served only under a lease (<see cref="Renew"/>); until the first one, not at all. For instances that share the database with others.</summary>
    public void RequireLease()
    {
        lock (Gate) trustedUntil = 0;
    }

    /// <summary>
    /// A change notice (comma-separated ids, as <see cref="Features.Surveys.SurveyStamps.Payloads"/> makes them):
    /// <paramref name="forget"/> each id it names; an empty one forgets everything.
    /// </summary>
    protected void ForgetNamed(string payload, Action<string> forget)
    {
        if (payload.Length == 0)
        {
            Reset(suspend: null);
            return;
        }
        foreach (var id in payload.Split(',', StringSplitOptions.RemoveEmptyEntries)) forget(id);
    }

    /// <summary>Forgets everything; <paramref name="suspend"/>, when given, starts or ends a suspension.</summary>
    protected void Reset(bool? suspend)
    {
        lock (Gate)
        {
            if (suspend is { } value) suspended = value;
            generation++;
            Clear();
        }
    }
}
