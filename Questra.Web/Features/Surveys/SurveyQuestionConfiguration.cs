using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Surveys;

public sealed class SurveyQuestionConfiguration : IEntityTypeConfiguration<SurveyQuestion>
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<SurveyQuestion> builder)
    {
        // A choice question's options as one JSON array ([{"id":1,"text":"Yes"}]): read and written with the question.
        builder.Property(q => q.Options).HasConversion(
            options => JsonSerializer.Serialize(options, Json),
            stored => JsonSerializer.Deserialize<List<QuestionOption>>(stored, Json) ?? new List<QuestionOption>(),
            new ValueComparer<List<QuestionOption>>(
                (a, b) => a != null && b != null && a.SequenceEqual(b),
                list => list.Aggregate(0, (hash, o) => HashCode.Combine(hash, o)),
                list => list.ToList()));
    }
}
