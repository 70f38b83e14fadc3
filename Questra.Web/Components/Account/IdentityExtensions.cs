using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;
using Questra.Web.Features.Mfa;

namespace Questra.Web.Components.Account;

public static class IdentityExtensions
{
    /// <summary>ASP.NET Core Identity with cookie sign-in for the dashboard (the API uses keys, never cookies).</summary>
    public static IServiceCollection AddQuestraIdentity(this IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = true;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<QuestraDbContext>()
            .AddUserStore<HashedRecoveryCodeUserStore>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            // Replaces the built-in authenticator provider (registered under the same name): refuses replayed codes.
            .AddTokenProvider<QuestraAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        services.AddScoped<MfaService>();

        services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
        return services;
    }
}
