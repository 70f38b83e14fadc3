using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
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
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();
        services.AddOptions<Features.Accounts.AccountOptions>().BindConfiguration(Features.Accounts.AccountOptions.Section).ValidateOnStart();
        // Plain http only where configured (a developer's localhost, tests); everywhere else cookies never travel unencrypted.
        static CookieSecurePolicy Policy(SecurityOptions s) => s.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<SecurityOptions>>((o, security) =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = Policy(security.Value);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY for every response
        });
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<SecurityOptions>>((o, security) => o.Cookie.SecurePolicy = Policy(security.Value));

        // Sign-ins (and antiforgery tokens) must survive a restart and be readable by every instance: the key ring
        // lives in the database, under one application name whatever folder an instance runs from.
        services.AddDataProtection()
            .SetApplicationName("Questra")
            .PersistKeysToDbContext<QuestraDbContext>();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = true;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<QuestraDbContext>()
            .AddUserStore<QuestraUserStore>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            // Replaces the built-in authenticator provider (registered under the same name): refuses replayed codes.
            .AddTokenProvider<QuestraAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        services.AddScoped<MfaService>();
        services.AddScoped<Features.Accounts.SudoMode>();
        // Every request checks the sign-in's security stamp, so turning off or resetting two-factor (which changes
        // the stamp) signs out every other session at once, and forgets "remembered" browsers, rather than in 30 minutes.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);

        return services;
    }
}
