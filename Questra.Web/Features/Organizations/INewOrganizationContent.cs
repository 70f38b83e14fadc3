using Questra.Web.Data;

namespace Questra.Web.Features.Organizations;

/// <summary>
/// Something a new personal organization starts with (sample surveys, where configured), added in the same save as
/// the organization; implemented by the feature that owns that content.
/// </summary>
public interface INewOrganizationContent
{
    void AddTo(QuestraDbContext db, string organizationId, string ownerUserId, DateTimeOffset now);
}
