namespace Questra.Web.Features.Organizations;

/// <summary>
/// Something a new personal organization starts with (sample surveys, where configured), added once the
/// organization and its owner's membership are saved; implemented by the feature that owns that content, through
/// that feature's own services.
/// </summary>
public interface INewOrganizationContent
{
    Task AddToAsync(string organizationId, string ownerUserId, CancellationToken ct);
}
