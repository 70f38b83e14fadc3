using System.Net;
using Microsoft.Data.Sqlite;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Data;

public class RestartTests
{
    [Fact]
    public async Task KeysAndOrgs_SurviveARestartOnTheSameDatabase()
    {
        var path = Path.Combine(Path.GetTempPath(), $"questra-restart-{Guid.NewGuid():N}.db");
        try
        {
            string org, secret;
            using (var first = QuestraFactory.OnDatabase(path))
            {
                (org, var owner) = await first.Data.OrgWithOwnerAsync();
                (_, secret) = await first.Data.KeyAsync(org, owner);
            }

            using var second = QuestraFactory.OnDatabase(path);
            var response = await second.ApiClient(secret, org).GetAsync("/api/surveys");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
            if (Directory.Exists(path + ".keys")) Directory.Delete(path + ".keys", recursive: true);
        }
    }
}
