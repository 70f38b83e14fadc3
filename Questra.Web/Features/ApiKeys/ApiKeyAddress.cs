using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Learn mode: a client address that used a key in the last <see cref="UsageRecorder.AddressDays"/> days, with
/// when it was first and last seen and how often; at most <see cref="UsageRecorder.AddressesKeptPerKey"/> per key,
/// the most recent. Counted in memory and written with the usage counts.
/// </summary>
public sealed class ApiKeyAddress
{
    public required string ApiKeyId { get; init; }
    public required string Address { get; init; }
    public required string OrganizationId { get; init; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public long Count { get; set; }
}

public sealed class ApiKeyAddressConfiguration : IEntityTypeConfiguration<ApiKeyAddress>
{
    /// <summary>The longest IPv6 text form is 39 characters (45 with an embedded IPv4 address).</summary>
    public const int AddressMaxLength = 45;

    public void Configure(EntityTypeBuilder<ApiKeyAddress> builder)
    {
        builder.HasKey(a => new { a.ApiKeyId, a.Address });
        builder.Property(a => a.ApiKeyId).HasMaxLength(Ids.MaxLength);
        builder.Property(a => a.Address).HasMaxLength(AddressMaxLength);
        builder.HasIndex(a => a.OrganizationId);
    }
}
