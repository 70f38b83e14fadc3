namespace Questra.Web.Features.Common;

/// <summary>
/// Runs a piece of work with services from a fresh DI scope. A Blazor Server circuit lives for minutes and its
/// own scope would share one DbContext across every click; each dashboard action gets its own instead.
/// </summary>
public sealed class ScopedRunner(IServiceScopeFactory scopes)
{
    public async Task<T> Run<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task Run<TService>(Func<TService, Task> work) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
