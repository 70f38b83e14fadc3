using System.Collections.Concurrent;

namespace Questra.Web.Features.Surveys;

/// <summary>
/// The public forms this instance has read (<see cref="PublicSurvey"/>: title, status, visible questions), kept in
/// memory so that showing a form and checking a submission against it cost no database read — the public link is
/// what every respondent, and every spammer, hits.
/// <para>A form changes only through <see cref="SurveyAuthoring"/> (edit, publish, close, delete), which calls
/// <see cref="Changed"/> once the change is committed, before it is reported done; a read that raced with a change
/// is not kept. Responses do not change a form and do not touch this memory. On PostgreSQL other instances hear of a
/// change on <see cref="Channel"/> (announced inside the change's transaction, beside the stamps' notice), and forms
/// are served only under the change channel's lease, as the stamps are (<see cref="ApiKeys.ApiKeyCacheSync"/>). Entries lapse after <see cref="Lifetime"/>. A form served a moment
/// stale cannot store an answer to a closed or deleted survey: the insert itself requires the survey to be Active.</para>
/// </summary>
public sealed class PublicForms(TimeProvider clock) : Data.LeasedCache
{
    /// <summary>The PostgreSQL channel on which an instance announces a changed form (the payload: survey ids, as <see cref="SurveyStamps.Payloads"/> makes them).</summary>
    public const string Channel = "questra_survey_forms";

    /// <summary>The announcement, with <paramref name="payload"/> the placeholder for its payload.</summary>
    public static string NotifySql(string payload) => $"SELECT pg_notify('{Channel}', {payload})";

    /// <summary>How many forms are kept at most; past it, the memory starts again from empty.</summary>
    public const int MaxEntries = 2_000;

    /// <summary>How long a kept form is trusted at most.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> byLink = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> linkOf = new(StringComparer.Ordinal);

    /// <summary>The kept form behind <paramref name="publicId"/>, or null (read the database).</summary>
    public PublicSurvey? Find(string publicId)
    {
        if (!Trusted) return null; // a change made elsewhere may not have reached us
        return byLink.TryGetValue(publicId, out var entry) && clock.GetUtcNow() < entry.Until ? entry.Form : null;
    }

    /// <summary>Keeps a form read at <paramref name="readAtGeneration"/>, unless a change landed since.</summary>
    public void Store(PublicSurvey form, long readAtGeneration)
    {
        lock (Gate)
        {
            if (!MayStore(readAtGeneration)) return;
            if (byLink.Count >= MaxEntries) Clear();
            byLink[form.PublicId] = new Entry(form, clock.GetUtcNow() + Lifetime);
            linkOf[form.SurveyId] = form.PublicId;
        }
    }

    /// <summary>The survey's form changed (committed): forget it, and refuse whatever a read in flight saw.</summary>
    public void Changed(string surveyId)
    {
        lock (Gate)
        {
            Moved();
            if (linkOf.TryRemove(surveyId, out var publicId)) byLink.TryRemove(publicId, out _);
        }
    }

    /// <summary>Forgets every form (surveys removed in bulk: an organization deleted with its last member).</summary>
    public void ForgetAll() => Reset(suspend: null);

    /// <summary>A notice on <see cref="Channel"/> (<see cref="SurveyStamps.Notified"/>'s format): forgets the forms it names; an empty one, all.</summary>
    public void Notified(string payload) => ForgetNamed(payload, Changed);

    public int Count => byLink.Count;

    protected override void Clear()
    {
        byLink.Clear();
        linkOf.Clear();
    }

    private sealed record Entry(PublicSurvey Form, DateTimeOffset Until);
}
