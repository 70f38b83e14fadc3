using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Surveys;

public sealed class SurveyResponseDayConfiguration : IEntityTypeConfiguration<SurveyResponseDay>
{
    public void Configure(EntityTypeBuilder<SurveyResponseDay> builder)
    {
        builder.HasKey(d => new { d.SurveyId, d.Day });
        builder.HasOne<Survey>().WithMany().HasForeignKey(d => d.SurveyId).OnDelete(DeleteBehavior.Cascade);
    }
}
