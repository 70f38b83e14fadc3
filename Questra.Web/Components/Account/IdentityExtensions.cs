using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
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
                options.DefaultScheme = SchemeByPath.Name; // /api: keys; the rest: this cookie (no external sign-in)
            })
            .AddSchemeByPath()
            .AddIdentityCookies();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.AddOptions<Features.Accounts.AccountOptions>().BindConfiguration(Features.Accounts.AccountOptions.Section);
        // Plain http only where configured (a developer's localhost, tests); everywhere else cookies never travel unencrypted.
        static CookieSecurePolicy Policy(SecurityOptions s) => s.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<SecurityOptions>>((o, security) =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = Policy(security.Value);
            o.ExpireTimeSpan = Features.Accounts.SignInSessions.Lifetime;
            o.SlidingExpiration = true;
            // After the security stamp (checked first, by Identity), the browser's session: a cookie kept or copied
            // after logging out of that browser no longer signs anybody in.
            var stampCheck = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                var before = context.Principal;
                await stampCheck(context);
                if (context.Principal is not { } principal || principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId) return;
                // The stamp check rebuilds the principal on every request and asks for a new cookie; one is sent only
                // when what it says changed (or when sliding expiration renews it, which the handler decides alone).
                if (context.ShouldRenew && SameClaims(before, principal)) context.ShouldRenew = false;
                var sessions = context.HttpContext.RequestServices.GetRequiredService<Features.Accounts.SignInSessions>();
                var sessionId = Features.Accounts.SignInSessions.IdOf(context.Properties) ?? Features.Accounts.SignInSessions.IdOf(principal);
                if (!await sessions.IsLiveAsync(userId, sessionId))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                }
            };
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
            .AddUserManager<Features.Accounts.QuestraUserManager>()
            .AddSignInManager<Features.Accounts.QuestraSignInManager>()
            .AddDefaultTokenProviders()
            // Replaces the built-in authenticator provider (registered under the same name): refuses replayed codes.
            .AddTokenProvider<QuestraAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            // Replaces the default provider of mailed codes (same name): their lifetime runs on the app's clock.
            .AddTokenProvider<Features.Accounts.MailedCodeTokenProvider>(TokenOptions.DefaultProvider);
        services.AddScoped<MfaService>();
        services.AddScoped<Features.Accounts.SudoMode>();
        Features.Accounts.SudoPolicy.AddSudoPolicy(services);
        services.AddScoped<Features.Accounts.RegistrationService>();
        // Every request checks the sign-in's security stamp, so turning off or resetting two-factor (which changes
        // the stamp) signs out every other session at once, and forgets "remembered" browsers, rather than in 30 minutes.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.Zero;
            // The check rebuilds the principal from the user; what only the sign-in knew goes along: the browser
            // session, and how the user signed in ("amr": mfa after a second factor).
            o.OnRefreshingPrincipal = context =>
            {
                if (context.NewPrincipal?.Identity is not ClaimsIdentity identity) return Task.CompletedTask;
                foreach (var type in KeptFromSignIn)
                {
                    if (context.CurrentPrincipal?.FindFirst(type) is { } claim && !identity.HasClaim(c => c.Type == type))
                    {
                        identity.AddClaim(new Claim(claim.Type, claim.Value));
                    }
                }
                return Task.CompletedTask;
            };
        });
        services.AddScoped<Features.Accounts.SignInSessions>();
        services.AddSingleton<Features.Accounts.SessionEndings>();
        services.AddSingleton<Features.Accounts.UnknownAccountLockouts>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, SignedInCircuitGate>();

        return services;
    }

    private static readonly string[] KeptFromSignIn = [Features.Accounts.SignInSessions.ClaimType, "amr"];

    /// <summary>Whether two principals carry the same claims (types and values, in any order).</summary>
    internal static bool SameClaims(ClaimsPrincipal? a, ClaimsPrincipal? b)
    {
        if (a is null || b is null) return false;
        static List<string> Of(ClaimsPrincipal p) =>
            p.Claims.Select(c => c.Type + "\n" + c.Value).Order(StringComparer.Ordinal).ToList();
        return Of(a).SequenceEqual(Of(b), StringComparer.Ordinal);
    }
}
