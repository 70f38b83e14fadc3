using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.ApiKeys;

public sealed class ApiKeyUsageConfiguration : IEntityTypeConfiguration<ApiKeyUsage>
{
    /// <summary>"METHOD /route (error)" fits.</summary>
    public const int EndpointMaxLength = 120;

    public void Configure(EntityTypeBuilder<ApiKeyUsage> builder)
    {
        builder.HasKey(u => new { u.ApiKeyId, u.Endpoint, u.Day });
        builder.Property(u => u.Endpoint).HasMaxLength(EndpointMaxLength);
        builder.HasIndex(u => new { u.OrganizationId, u.Day });
    }
}
