using System.Text;
using Microsoft.Data.Sqlite;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>A test database on disk: the SQLite file, its WAL and its shared memory.</summary>
public static class DatabaseFiles
{
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];

    public static string NewPath(string purpose) => Path.Combine(Path.GetTempPath(), $"questra-{purpose}-{Guid.NewGuid():N}.db");

    /// <summary>Everything stored, as text (Latin-1, so every byte maps to one char), to search for what must not be there.</summary>
    public static string ReadAll(string path)
    {
        SqliteConnection.ClearAllPools();
        return string.Concat(Suffixes.Select(s => path + s).Where(File.Exists).Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream, Encoding.Latin1).ReadToEnd();
        }));
    }

    public static void Delete(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in Suffixes) File.Delete(path + suffix);
    }
}
