namespace Questra.Web.Features.Surveys;

public static class SurveysRegistration
{
    /// <summary>Survey authoring, the public form's responses, visibility, results and metrics.</summary>
    public static IServiceCollection AddSurveys(this IServiceCollection services)
    {
        services.AddOptions<SurveyOptions>().BindConfiguration(SurveyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<SurveyAuthoring>();
        services.AddScoped<ResponseSubmission>();
        services.AddSingleton<SubmissionThrottle>();
        services.AddSingleton<ResponseWriter>();
        services.AddScoped<SurveyResults>();
        services.AddScoped<SurveyAccess>();
        services.AddScoped<SurveyMetrics>();
        services.AddSingleton<SurveyReads>();
        services.AddSingleton<SurveyStamps>();
        services.AddScoped<Organizations.INewOrganizationContent, SampleSurveysContent>();
        return services;
    }
}
