namespace Questra.Web.Features.Email;

/// <summary>
/// A message waiting to be sent, or sent. Written in the same transaction as the change that causes it, so a crash
/// loses no message; delivered by <see cref="OutboxDelivery"/>, which claims it first so that only one instance
/// sends it.
/// </summary>
public sealed class OutboxMessage
{
    public const int ToMaxLength = 320;
    public const int SubjectMaxLength = 200;
    public const int KindMaxLength = 64;
    public const int LastErrorMaxLength = 500;
    public const int ClaimTokenMaxLength = 32;
    public const int DedupeKeyMaxLength = 128;

    public long Id { get; init; }

    /// <summary>What it is (e.g. <c>account.confirm</c>, <c>api_key.created</c>), for <c>/dev/mail</c> and the logs.</summary>
    public required string Kind { get; init; }
    public required string To { get; init; }
    public required string Subject { get; init; }
    public required string TextBody { get; init; }
    public required string HtmlBody { get; init; }

    /// <summary>Set for messages that must go out once only (an expiry notice): a second with the same key is not written.</summary>
    public string? DedupeKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>Which delivery run holds the message, and until when (a crashed run's claim runs out).</summary>
    public string? ClaimToken { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }
    public bool GaveUp { get; set; }
}
