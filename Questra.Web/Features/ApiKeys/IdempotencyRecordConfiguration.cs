using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.ApiKeys;

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.HasKey(r => new { r.CallerKeyId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(IdempotentRequest.MaxLength);
        builder.HasIndex(r => r.CreatedAt);
        builder.HasIndex(r => r.OrganizationId);
    }
}
