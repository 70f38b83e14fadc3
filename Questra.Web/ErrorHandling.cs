namespace Questra.Web;

public static class ErrorHandling
{
    /// <summary>
    /// An unreachable database answers 503 (<see cref="DatabaseOutage"/>). Other API errors are problem+json (never an HTML page, never a stack trace); the dashboard gets its error and
    /// not-found pages. HSTS and HTTPS redirection unless <c>Security:RequireHttps</c> is false (Development).
    /// </summary>
    public static WebApplication UseQuestraErrorHandling(this WebApplication app)
    {
        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(c => !IsApi(c), ui =>
        {
            if (app.Environment.IsDevelopment())
            {
                ui.UseMigrationsEndPoint();
            }
            else
            {
                ui.UseExceptionHandler("/Error", createScopeForErrors: true);
            }
            ui.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        });
        // Inside the handlers above: an unreachable database is answered 503 here and never reaches them.
        var outage = app.Services.GetRequiredService<DatabaseOutage>();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (DatabaseOutage.IsCause(ex) && !context.Response.HasStarted)
            {
                outage.Refused(ex);
                await DatabaseOutage.AnswerAsync(context);
            }
        });
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.RequireHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        return app;
    }

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");
}
