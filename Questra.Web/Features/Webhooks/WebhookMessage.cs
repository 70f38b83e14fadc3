using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Webhooks;

/// <summary>
/// One event to tell an organization's endpoints about. Written in the transaction of the change that causes it
/// (beside its audit event), with its body fixed then: every attempt and every resend sends the same bytes under
/// the same <c>webhook-id</c> (the <see cref="Id"/>). The dispatcher later adds one <see cref="WebhookDelivery"/> per
/// endpoint that wants it (<see cref="FannedOutAt"/>).
/// </summary>
public sealed class WebhookMessage
{
    public const int DedupeKeyMaxLength = 128;

    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string Type { get; init; }

    /// <summary>The JSON body: <c>{"type", "timestamp", "data"}</c>; names keys by id, name and prefix, never a secret.</summary>
    public required string Payload { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>For events that must happen once (a key's expiry notices): a second with the same key is not written.</summary>
    public string? DedupeKey { get; init; }

    /// <summary>When its deliveries were written (null: not yet).</summary>
    public DateTimeOffset? FannedOutAt { get; set; }
}

/// <summary>One message to one endpoint, tried until it is answered with a 2xx or a day has passed.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; init; }
    public required string MessageId { get; init; }
    public required string EndpointId { get; init; }
    public required string OrganizationId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public string? ClaimToken { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public bool GaveUp { get; set; }
}

/// <summary>What happened on one try: when, the answer's status code (none: refused or no answer), a short excerpt.</summary>
public sealed class WebhookAttempt
{
    public const int ExcerptMaxLength = 200;
    public const int ErrorMaxLength = 300;

    public long Id { get; init; }
    public long DeliveryId { get; init; }
    public required string EndpointId { get; init; }
    public DateTimeOffset At { get; init; }
    public bool Succeeded { get; init; }
    public int? StatusCode { get; init; }
    public int DurationMs { get; init; }

    /// <summary>The start of the answer's body, printable characters only.</summary>
    public string? ResponseExcerpt { get; init; }

    /// <summary>Why no answer counted: refused address, timeout, connection error, redirect…</summary>
    public string? Error { get; init; }
}

public sealed class WebhookMessageConfiguration : IEntityTypeConfiguration<WebhookMessage>, IEntityTypeConfiguration<WebhookDelivery>,
    IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookMessage> builder)
    {
        builder.Property(m => m.Id).HasMaxLength(Ids.MaxLength);
        builder.Property(m => m.OrganizationId).HasMaxLength(Ids.MaxLength);
        builder.Property(m => m.Type).HasMaxLength(64);
        builder.Property(m => m.DedupeKey).HasMaxLength(WebhookMessage.DedupeKeyMaxLength);
        builder.HasIndex(m => m.DedupeKey).IsUnique();
        builder.HasIndex(m => m.FannedOutAt);
        builder.HasIndex(m => m.CreatedAt);
    }

    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.Property(d => d.MessageId).HasMaxLength(Ids.MaxLength);
        builder.Property(d => d.EndpointId).HasMaxLength(Ids.MaxLength);
        builder.Property(d => d.OrganizationId).HasMaxLength(Ids.MaxLength);
        builder.Property(d => d.ClaimToken).HasMaxLength(32);
        builder.HasIndex(d => new { d.MessageId, d.EndpointId }).IsUnique();
        builder.HasIndex(d => new { d.DeliveredAt, d.NextAttemptAt });
        builder.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        builder.HasIndex(d => d.ClaimToken);
    }

    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.Property(a => a.EndpointId).HasMaxLength(Ids.MaxLength);
        builder.Property(a => a.ResponseExcerpt).HasMaxLength(WebhookAttempt.ExcerptMaxLength);
        builder.Property(a => a.Error).HasMaxLength(WebhookAttempt.ErrorMaxLength);
        builder.HasIndex(a => a.DeliveryId);
    }
}
