namespace Questra.Web.Features.Organizations;

public static class OrganizationsRegistration
{
    /// <summary>Organizations, memberships and invitations.</summary>
    public static IServiceCollection AddOrganizations(this IServiceCollection services)
    {
        services.AddOptions<OrganizationOptions>().BindConfiguration(OrganizationOptions.Section);
        services.AddScoped<OrganizationService>();
        services.AddScoped<MembershipService>();
        services.AddScoped<InvitationService>();
        return services;
    }
}
