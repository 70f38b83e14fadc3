namespace Questra.Web.Data;

/// <summary>
/// <c>Database</c>: which database holds everything. The connection string is the standard
/// <c>ConnectionStrings:Questra</c>.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (the default: one machine) or <c>PostgreSQL</c> (several instances).</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>The provider, or a start-up error that names the setting and the values it takes.</summary>
    public DatabaseProvider ProviderKind =>
        string.IsNullOrWhiteSpace(Provider) ? DatabaseProvider.Sqlite
        : Enum.TryParse<DatabaseProvider>(Provider.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider) ? provider
        : throw new InvalidOperationException(
            $"Database:Provider '{Provider}' is not known; use '{DatabaseProvider.Sqlite}' or '{DatabaseProvider.PostgreSQL}'.");
}
