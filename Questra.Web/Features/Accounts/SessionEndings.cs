namespace Questra.Web.Features.Accounts;

/// <summary>Tells the open dashboard tabs on this instance that a session ended, so they sign out at once.</summary>
public sealed class SessionEndings
{
    public event Action<string>? Ended;

    public void Publish(string sessionId) => Ended?.Invoke(sessionId);
}
