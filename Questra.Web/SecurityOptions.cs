namespace Questra.Web;

/// <summary><c>Security</c>: transport settings.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>HTTPS redirection, HSTS and <c>Secure</c> cookies. Off only where configured (Development, tests).</summary>
    public bool RequireHttps { get; set; } = true;
}
