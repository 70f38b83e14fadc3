namespace Questra.Web.Features.Surveys;

public static class SurveysRegistration
{
    /// <summary>Survey visibility and response metrics.</summary>
    public static IServiceCollection AddSurveys(this IServiceCollection services)
    {
        services.AddScoped<SurveyAccess>();
        services.AddScoped<SurveyMetrics>();
        services.AddSingleton<SurveyReads>();
        services.AddSingleton<Organizations.INewOrganizationContent, SampleSurveysContent>();
        return services;
    }
}
