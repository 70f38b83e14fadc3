namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// A key creation or roll made through the API with an <c>Idempotency-Key</c> header, remembered for
/// <see cref="IdempotentRequest.Window"/>: saved in the same transaction as the key it made, so a key that exists
/// always has its record, and a client whose answer was lost can ask again and learn which key it made. Never holds
/// the secret (it was shown once, in the lost answer or not at all) — only what the request was and which key it made.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>The key that sent the request: idempotency keys are that key's own namespace.</summary>
    public required string CallerKeyId { get; init; }

    /// <summary>The client's <c>Idempotency-Key</c> header.</summary>
    public required string Key { get; init; }

    public required string OrganizationId { get; init; }

    /// <summary>SHA-256 of the operation, its target and its body: the same key with another request is refused.</summary>
    public required byte[] Fingerprint { get; init; }

    /// <summary>The key the request made (a deleted key's id stays, for the answer to say so).</summary>
    public required string ResultKeyId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An <c>Idempotency-Key</c> the client sent, with the fingerprint of the request it came with.</summary>
public sealed record IdempotentRequest(string Key, byte[] Fingerprint)
{
    /// <summary>How long a request is remembered (Stripe's window).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public const int MaxLength = 255;
}

/// <summary>
/// What an earlier request with the same <c>Idempotency-Key</c> did: <paramref name="SameRequest"/> false when it
/// came with another operation, target or body; <paramref name="Key"/> the key it made as it is now (null once deleted).
/// </summary>
public sealed record EarlierRequest(bool SameRequest, DateTimeOffset At, string ResultKeyId, ApiKey? Key);
