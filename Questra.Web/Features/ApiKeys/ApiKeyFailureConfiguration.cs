using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.ApiKeys;

public sealed class ApiKeyFailureConfiguration : IEntityTypeConfiguration<ApiKeyFailure>
{
    public const int ReasonMaxLength = 300;

    public void Configure(EntityTypeBuilder<ApiKeyFailure> builder)
    {
        builder.Property(f => f.Endpoint).HasMaxLength(ApiKeyUsageConfiguration.EndpointMaxLength);
        builder.Property(f => f.Reason).HasMaxLength(ReasonMaxLength);
        builder.HasIndex(f => new { f.ApiKeyId, f.Id });
        builder.HasIndex(f => f.OrganizationId);
    }
}
