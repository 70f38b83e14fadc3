using Microsoft.AspNetCore.Identity;

namespace Questra.Web.Data;

public class ApplicationUser : IdentityUser
{
    /// <summary>The organization the dashboard shows, chosen with the org switcher; null means the first one.</summary>
    public string? SelectedOrganizationId { get; set; }
}
