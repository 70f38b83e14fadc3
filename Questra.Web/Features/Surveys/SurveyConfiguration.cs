using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Surveys;

public sealed class SurveyConfiguration : IEntityTypeConfiguration<Survey>
{
    public const int TitleMaxLength = SurveyLimits.TitleMaxLength;

    public void Configure(EntityTypeBuilder<Survey> builder)
    {
        builder.Property(s => s.Id).HasMaxLength(Ids.MaxLength);
        builder.Property(s => s.Title).HasMaxLength(TitleMaxLength);
        builder.Property(s => s.Description).HasMaxLength(SurveyLimits.DescriptionMaxLength);
        builder.Property(s => s.PublicId).HasMaxLength(Ids.MaxLength);
        builder.HasIndex(s => s.PublicId).IsUnique();
        // Kept by database triggers; EF Core never writes it, so a saved survey cannot overwrite a newer count.
        var count = builder.Property(s => s.ResponseCount).HasDefaultValue(0).Metadata;
        count.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        count.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        // In the list's order (newest first, ties by id): a page is read from the index, never sorted.
        builder.HasIndex(s => new { s.OrganizationId, s.CreatedAt, s.Id }).IsDescending(false, true, false);
        builder.HasIndex(s => new { s.OrganizationId, s.OwnerUserId, s.CreatedAt, s.Id }).IsDescending(false, false, true, false);
        // Moved forward by SQL only (never back): a saved survey must not overwrite a later stamp.
        builder.Property(s => s.UpdatedAt).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        // Lists of changes (updated_since) read in this order, oldest change first.
        builder.HasIndex(s => new { s.OrganizationId, s.UpdatedAt, s.Id });
        builder.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Questions).WithOne().HasForeignKey(q => q.SurveyId).OnDelete(DeleteBehavior.Cascade);
    }
}
