namespace Questra.Web.Features.Common;

/// <summary>What a key may do. Stored as flags; spoken as strings like <c>surveys:read</c>.</summary>
[Flags]
public enum ApiScopes
{
    None = 0,
    SurveysRead = 1,
    ResponsesRead = 2,
    ApiKeysRead = 4,
    ApiKeysWrite = 8,
    DataAccess = SurveysRead | ResponsesRead,
    FullAccess = SurveysRead | ResponsesRead | ApiKeysRead | ApiKeysWrite,
}
