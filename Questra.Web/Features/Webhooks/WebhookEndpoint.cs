using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Webhooks;

/// <summary>
/// Where an organization wants its key events sent: an address, the event types it wants, and a signing secret
/// (kept encrypted with the app's Data Protection keys, shown once). An endpoint works only while the member who
/// made it is still an owner or admin and, when a key made it, while that key still works
/// (<see cref="WebhookService.PausedReasonAsync"/>): no endpoint outlives the person or key behind it.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int UrlMaxLength = 500;
    public const int DescriptionMaxLength = 200;
    public const int EventTypesMaxLength = 400;

    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string Url { get; set; }
    public string? Description { get; set; }

    /// <summary>The event types wanted, separated by spaces.</summary>
    public required string EventTypes { get; set; }

    /// <summary>The signing secret (<c>whsec_…</c>), protected by Data Protection; never stored in clear.</summary>
    public required string SecretProtected { get; set; }

    /// <summary>After a roll, the previous secret also signs until <see cref="PreviousSecretUntil"/>, so receivers can switch over.</summary>
    public string? PreviousSecretProtected { get; set; }
    public DateTimeOffset? PreviousSecretUntil { get; set; }

    public required string CreatedByUserId { get; set; }
    public string? CreatedByKeyId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Switched off, by a person or after failing for a day; nothing is sent or queued while set.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }

    /// <summary>The first failed attempt since the last success; a day of failures disables the endpoint.</summary>
    public DateTimeOffset? FailingSince { get; set; }

    public bool Enabled => DisabledAt is null;
    public IReadOnlyList<string> Events => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public bool Wants(string type) => Events.Contains(type, StringComparer.Ordinal);
}

public sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.Property(e => e.Id).HasMaxLength(Ids.MaxLength);
        builder.Property(e => e.OrganizationId).HasMaxLength(Ids.MaxLength);
        builder.Property(e => e.Url).HasMaxLength(WebhookEndpoint.UrlMaxLength);
        builder.Property(e => e.Description).HasMaxLength(WebhookEndpoint.DescriptionMaxLength);
        builder.Property(e => e.EventTypes).HasMaxLength(WebhookEndpoint.EventTypesMaxLength);
        builder.Property(e => e.DisabledReason).HasMaxLength(200);
        builder.HasIndex(e => e.OrganizationId);
    }
}
