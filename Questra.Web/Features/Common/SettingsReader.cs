namespace Questra.Web.Features.Common;

/// <summary>
/// Options that shape the service registrations themselves (which database, which proxies, which origins) are
/// needed before the container exists: they are read here, through the same options class and section that the
/// container binds, never as raw keys.
/// </summary>
public static class SettingsReader
{
    public static T Read<T>(this IConfiguration configuration, string section) where T : new() =>
        configuration.GetSection(section).Get<T>() ?? new T();
}
