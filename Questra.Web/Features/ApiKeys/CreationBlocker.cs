namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// One thing that stops a user from creating API keys, what it means, and — only when the user can fix it there —
/// the page that fixes it. <see cref="AskAdmins"/>: only an owner or admin of the organization can fix it.
/// </summary>
public sealed record CreationBlocker(CreationBlock Block, string Message, string? FixUrl = null, string? FixLabel = null, bool AskAdmins = false);
