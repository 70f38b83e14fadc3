using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Organizations;

public sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.Property(i => i.Id).HasMaxLength(Ids.MaxLength);
        builder.Property(i => i.Email).HasMaxLength(Email.OutboxMessage.ToMaxLength);
        builder.Property(i => i.NormalizedEmail).HasMaxLength(Email.OutboxMessage.ToMaxLength);
        builder.HasIndex(i => i.NormalizedEmail);
        builder.HasIndex(i => new { i.OrganizationId, i.CreatedAt });
        builder.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
