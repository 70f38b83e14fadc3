using Questra.Web.Data;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Surveys;

/// <summary>A new organization's sample surveys, so the API returns data at once (see <see cref="SampleData"/>).</summary>
public sealed class SampleSurveysContent : INewOrganizationContent
{
    public void AddTo(QuestraDbContext db, string organizationId, string ownerUserId, DateTimeOffset now) =>
        SampleData.AddSurveys(db, organizationId, ownerUserId, now);
}
