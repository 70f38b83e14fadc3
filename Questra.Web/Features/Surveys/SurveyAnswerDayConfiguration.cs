using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Surveys;

public sealed class SurveyAnswerDayConfiguration : IEntityTypeConfiguration<SurveyAnswerDay>
{
    public void Configure(EntityTypeBuilder<SurveyAnswerDay> builder)
    {
        builder.HasKey(d => new { d.SurveyId, d.QuestionId, d.Day, d.Value });
        builder.HasOne<Survey>().WithMany().HasForeignKey(d => d.SurveyId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SurveyAnswerTotalConfiguration : IEntityTypeConfiguration<SurveyAnswerTotal>
{
    public void Configure(EntityTypeBuilder<SurveyAnswerTotal> builder)
    {
        builder.HasKey(t => new { t.SurveyId, t.QuestionId, t.Value });
        builder.HasOne<Survey>().WithMany().HasForeignKey(t => t.SurveyId).OnDelete(DeleteBehavior.Cascade);
    }
}
