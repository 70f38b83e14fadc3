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

    /// <summary>
    /// How long a start waits for the database — a SQLite file another process holds locked, a PostgreSQL server not
    /// up yet — saying so every 10 s, before it gives up with one line naming what to do.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 3600)]
    public int StartupWaitSeconds { get; set; } = 60;

    /// <summary>On SQLite, how often the write-ahead log is checkpointed and truncated to zero bytes (<see cref="SqliteCheckpoints"/>).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int SqliteCheckpointSeconds { get; set; } = 60;

    /// <summary>The provider, or a start-up error that names the setting and the values it takes.</summary>
    public DatabaseProvider ProviderKind =>
        string.IsNullOrWhiteSpace(Provider) ? DatabaseProvider.Sqlite
        : Enum.TryParse<DatabaseProvider>(Provider.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider) ? provider
        : throw new InvalidOperationException(
            $"Database:Provider '{Provider}' is not known; use '{DatabaseProvider.Sqlite}' or '{DatabaseProvider.PostgreSQL}'.");
}
