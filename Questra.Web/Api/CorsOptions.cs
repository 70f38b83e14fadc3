namespace Questra.Web.Api;

/// <summary><c>Cors</c>: which browser origins may call the API cross-origin. None by default.</summary>
public sealed class CorsOptions
{
    public const string Section = "Cors";

    public string[] AllowedOrigins { get; set; } = [];
}
