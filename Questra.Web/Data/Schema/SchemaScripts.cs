using System.Reflection;

namespace Questra.Web.Data.Schema;

/// <summary>
/// The schema's SQL, one embedded script per migration and provider (<c>0001_init.sqlite.sql</c>,
/// <c>0001_init.postgres.sql</c>). The tables were produced once from the model with
/// <c>GenerateCreateScript()</c> and are kept by hand (the README says why); triggers are written per database.
/// Tests check, for each provider, that the migrated schema still matches the model.
/// </summary>
public static class SchemaScripts
{
    public static string Read(string migration, string? provider)
    {
        var suffix = provider switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => "sqlite",
            "Npgsql.EntityFrameworkCore.PostgreSQL" => "postgres",
            _ => throw new NotSupportedException($"No schema scripts for database provider '{provider}'."),
        };
        var name = $"{typeof(SchemaScripts).Namespace}.{migration}.{suffix}.sql";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded schema script '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
