using Microsoft.Extensions.Options;
using Questra.Web;
using Questra.Web.Api;
using Questra.Web.Components;
using Questra.Web.Components.Account;
using Questra.Web.Components.Respond;
using Questra.Web.Data;
using Questra.Web.Features;
using Questra.Web.Features.AuditTrail;
using Questra.Web.Features.Email;
using Questra.Web.Features.Health;
using Questra.Web.Features.Operators;
using Questra.Web.Features.Telemetry;

try
{
    return await RunAsync(args);
}
catch (Exception e) when (e is not HostAbortedException) // that one is a test host taking over after Build
{
    // A fault at start (unwritable folder, locked or full database, bad setting) ends with one line and exit code 1.
    return StartupFailure.Report(e, Console.Error);
}

static async Task<int> RunAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(AdminCommands.HostArgs(args));
    if (AdminCommands.IsAdmin(args))
    {
        builder.UseAdminCommandLogging();
    }

    builder.Services.AddQuestraDashboard();
    builder.Services.AddQuestraData(builder.Configuration, builder.Environment);
    builder.Services.AddQuestraIdentity();
    builder.Services.AddQuestraFeatures();
    builder.Services.AddQuestraEmail(builder.Environment);
    builder.Services.AddQuestraApi(builder.Configuration);
    builder.Services.AddQuestraReverseProxy();
    builder.Services.AddQuestraHealth();
    builder.AddQuestraMetrics();
    builder.AddQuestraLogFormat();
    if (builder.Environment.IsDevelopment())
    {
        builder.Services.AddDatabaseDeveloperPageExceptionFilter();
    }

    var app = builder.Build();

    if (!AdminCommands.IsAdmin(args))
    {
        app.Services.GetRequiredService<IStartupValidator>().Validate(); // every setting checked before the database is touched
    }
    await app.MigrateQuestraDatabaseAsync();
    if (AdminCommands.IsAdmin(args))
    {
        return await AdminCommands.RunAsync(app.Services, args, Console.Out, Console.Error);
    }
    app.UseQuestraMetrics();
    app.UseQuestraReverseProxy();
    app.UseApiNoStore();
    app.UseQuestraErrorHandling();
    app.UseQuestraSecurityHeaders();
    app.UseQuestraApiDocs();
    app.UseRouting();
    app.UseCors();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseAntiforgery();
    app.MapStaticAssets();
    app.MapQuestraHealth();
    app.MapQuestraApi();
    app.MapPublicSurveyForm();
    app.MapDevMail();
    app.MapAuditExport();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null); // our CSP says 'none'
    app.MapAdditionalIdentityEndpoints();

    await app.RunAsync();
    return 0;
}

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
