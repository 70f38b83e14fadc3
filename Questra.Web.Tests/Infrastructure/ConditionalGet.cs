namespace Questra.Web.Tests.Infrastructure;

/// <summary>Conditional reads as a polling client sends them.</summary>
public static class ConditionalGet
{
    /// <summary><c>GET <paramref name="url"/></c> with <c>If-None-Match: <paramref name="tag"/></c> (sent as given, unvalidated).</summary>
    public static async Task<HttpResponseMessage> GetIfNoneMatchAsync(this HttpClient client, string url, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        return await client.SendAsync(request);
    }
}
