using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;

namespace Questra.Web.Features.Accounts;

/// <summary>
/// Every sign-in of a browser is a session of its own, recorded on the server (a row in Identity's user-token table)
/// and named in the sign-in cookie. Logging out ends that session: the cookie stops working even if it was copied,
/// and every open dashboard tab of that browser loses its sign-in at its next click (<see cref="SessionEndings"/>
/// tells the tabs on this instance at once). The security stamp still ends <em>all</em> of a user's sessions at
/// once (two-factor turned off, password reset); a session ends just the one browser.
/// </summary>
public sealed class SignInSessions(QuestraDbContext db, TimeProvider clock, SessionEndings endings)
{
    /// <summary>The user-token "provider" the sessions are stored under (the token's name is the session id).</summary>
    public const string LoginProvider = "[QuestraSession]";

    /// <summary>The claim that carries the session id in a signed-in principal (and so in a dashboard tab).</summary>
    public const string ClaimType = "questra:sid";

    // The same id in the cookie's properties, which survive a refresh of the sign-in (claims are rebuilt then).
    private const string PropertyKey = ".questra.sid";

    /// <summary>A session not seen for this long is over (the sign-in cookie's own sliding lifetime).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    // How often a live session's "last seen" is written: rarely, so checking a session is a read.
    private static readonly TimeSpan TouchEvery = TimeSpan.FromHours(1);

    public static string? IdOf(ClaimsPrincipal principal) => principal.FindFirstValue(ClaimType);

    public static string? IdOf(AuthenticationProperties? properties) =>
        properties is not null && properties.Items.TryGetValue(PropertyKey, out var id) ? id : null;

    public static void SetId(AuthenticationProperties properties, string sessionId) => properties.Items[PropertyKey] = sessionId;

    /// <summary>Records a new session for <paramref name="userId"/> (forgetting their sessions that ran out) and returns its id.</summary>
    public async Task<string> StartAsync(string userId)
    {
        var now = clock.GetUtcNow();
        var stale = (now - Lifetime).ToUnixTimeSeconds();
        var old = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider).ToListAsync();
        db.UserTokens.RemoveRange(old.Where(t => !long.TryParse(t.Value, out var seen) || seen < stale));
        var id = Base64UrlEncode(RandomNumberGenerator.GetBytes(18));
        db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = LoginProvider, Name = id, Value = Stamp(now) });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Whether the principal's session is live and its security stamp still the user's.</summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, string stampClaimType)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = principal.FindFirstValue(stampClaimType);
        if (userId is null || stamp is null) return false;
        var userStamp = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SecurityStamp).FirstOrDefaultAsync();
        return userStamp == stamp && await IsLiveAsync(userId, IdOf(principal));
    }

    /// <summary>Whether the session is live (started, not ended, seen lately); notes that it was seen.</summary>
    public async Task<bool> IsLiveAsync(string userId, string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId)) return false;
        var token = await db.UserTokens.FirstOrDefaultAsync(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == sessionId);
        if (token is null || !long.TryParse(token.Value, out var seen)) return false;
        var now = clock.GetUtcNow();
        var seenAt = DateTimeOffset.FromUnixTimeSeconds(seen);
        if (now - seenAt > Lifetime) return false;
        if (now - seenAt > TouchEvery)
        {
            token.Value = Stamp(now);
            await db.SaveChangesAsync();
        }
        return true;
    }

    /// <summary>Ends one session (logging out): its cookie stops working and its open tabs are told.</summary>
    public async Task EndAsync(string userId, string sessionId)
    {
        await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider && t.Name == sessionId).ExecuteDeleteAsync();
        endings.Publish(sessionId);
    }

    private static string Stamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Base64UrlEncode(byte[] bytes) => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(bytes);
}
