using System.Net;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Data;

public class RestartTests
{
    [Fact]
    public async Task KeysAndOrgs_SurviveARestartOnTheSameDatabase()
    {
        var path = DatabaseFiles.NewPath("restart");
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
            DatabaseFiles.Delete(path);
        }
    }
}
