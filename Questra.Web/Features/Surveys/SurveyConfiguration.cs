using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Surveys;

public sealed class SurveyConfiguration : IEntityTypeConfiguration<Survey>
{
    public const int TitleMaxLength = 300;

    public void Configure(EntityTypeBuilder<Survey> builder)
    {
        builder.Property(s => s.Id).HasMaxLength(Ids.MaxLength);
        builder.Property(s => s.Title).HasMaxLength(TitleMaxLength);
        builder.HasIndex(s => new { s.OrganizationId, s.CreatedAt });
        builder.HasIndex(s => new { s.OrganizationId, s.OwnerUserId });
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Questions).WithOne().HasForeignKey(q => q.SurveyId).OnDelete(DeleteBehavior.Cascade);
    }
}
