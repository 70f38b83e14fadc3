using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Audit;

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public const int TypeMaxLength = 64;

    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(a => a.Type).HasMaxLength(TypeMaxLength);
        builder.HasIndex(a => new { a.OrganizationId, a.OccurredAt });
        builder.HasIndex(a => a.TargetId);
    }
}
