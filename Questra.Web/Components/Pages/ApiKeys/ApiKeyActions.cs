using MudBlazor;
using Questra.Web.Components.Shared;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Components.Pages.ApiKeys;

/// <summary>
/// The dashboard's key actions — create, roll, revoke, delete, rename — with their dialogs, shared by the key list
/// and the key page. Every rule is ApiKeyService's; this class asks, shows the answer and says what happened.
/// Each action returns true when something changed (the page then reloads what it shows).
/// </summary>
public sealed class ApiKeyActions(
    IDialogService dialogs, ISnackbar snackbar, ScopedRunner run, TimeProvider clock, string organizationId, string apiBase,
    Caller caller, Func<ServiceError?, bool> removed)
{
    public async Task<bool> CreateAsync()
    {
        var choices = await run.Run<SurveyAccess, ServiceResult<List<SurveyChoice>>>(s => s.ChoicesForUserAsync(organizationId, caller.UserId, 500));
        if (removed(choices.Error) || !choices.Succeeded) return false;
        var surveys = choices.Value.Select(x => new CreateApiKeyForm.SurveyOption(x.Id, x.Title)).ToList();
        var lifetime = await LifetimeAsync();
        var dialog = await dialogs.ShowAsync<CreateApiKeyDialog>("Create New API Key", new DialogParameters<CreateApiKeyDialog>
        {
            { d => d.Surveys, surveys },
            { d => d.Now, clock.GetUtcNow() },
            { d => d.Lifetime, lifetime },
            { d => d.OnSubmit, input => run.Run<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.CreateAsync(organizationId, caller, input)) },
        }, FormOptions);
        return await SecretOnceAfterAsync(dialog);
    }

    public async Task<bool> RollAsync(ApiKey key)
    {
        var lifetime = await LifetimeAsync();
        var dialog = await dialogs.ShowAsync<RollApiKeyDialog>($"Roll \"{key.Name}\"", new DialogParameters<RollApiKeyDialog>
        {
            { d => d.Key, key },
            { d => d.Now, clock.GetUtcNow() },
            { d => d.Lifetime, lifetime },
            { d => d.OnSubmit, options => run.Run<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.RollAsync(organizationId, caller, key.Id, options)) },
        }, FormOptions);
        return await SecretOnceAfterAsync(dialog);
    }

    // The organization's lifetime rule, so the create and roll forms offer only expiries it allows.
    private async Task<KeyLifetimePolicy> LifetimeAsync() =>
        (await run.Run<ApiKeyService, ServiceResult<OrgKeyPolicy>>(s => s.GetPolicyAsync(organizationId, caller))).Value?.Lifetime ?? KeyLifetimePolicy.None;

    // A create or roll dialog closes with the new key, whose secret is then shown once; cancelled, nothing changed.
    private async Task<bool> SecretOnceAfterAsync(IDialogReference dialog)
    {
        if (await dialog.Result is not { Canceled: false, Data: CreatedApiKey created }) return false;
        await ShowSecretOnceAsync(created);
        return true;
    }

    private static readonly DialogOptions FormOptions = new()
    {
        MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, BackdropClick = false, DefaultFocus = DefaultFocus.None,
    };

    /// <summary>The secret may never have reached its owner: a new one at once, and the lost one stops now.</summary>
    public async Task<bool> RollLostSecretAsync(ApiKey key)
    {
        if (!await dialogs.ConfirmAsync("New secret", $"Make a new secret for \"{key.Name}\" ({key.Prefix}…)? The old secret stops working now.", "Make a new secret"))
        {
            return false;
        }
        var result = await run.Run<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.RollAsync(organizationId, caller, key.Id, new RollOptions(0, null)));
        if (removed(result.Error)) return false;
        if (!result.Succeeded)
        {
            snackbar.Report(result.Error, "");
            return false;
        }
        await ShowSecretOnceAsync(result.Value);
        return true;
    }

    public async Task<bool> RevokeAsync(ApiKey key)
    {
        if (!await dialogs.ConfirmAsync("Revoke API key",
                $"Revoke \"{key.Name}\" ({key.Prefix}…)? Requests with it fail from the next one on, and a revoked key cannot be turned back on.",
                "Revoke", await DescendantsWarningAsync(key)))
        {
            return false;
        }
        var result = await run.Run<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(organizationId, caller, key.Id));
        if (removed(result.Error)) return false;
        snackbar.Report(result.Error, $"\"{key.Name}\" is revoked.");
        return result.Succeeded;
    }

    public async Task<bool> DeleteAsync(ApiKey key)
    {
        if (!await dialogs.ConfirmAsync("Delete API key",
                $"Delete \"{key.Name}\" ({key.Prefix}…) for good? Requests with it fail from the next one on.", "Delete", await DescendantsWarningAsync(key)))
        {
            return false;
        }
        var result = await run.Run<ApiKeyService, ServiceResult<bool>>(s => s.DeleteAsync(organizationId, caller, key.Id));
        if (removed(result.Error)) return false;
        snackbar.Report(result.Error, $"\"{key.Name}\" is deleted.");
        return result.Succeeded;
    }

    public async Task<bool> RenameAsync(ApiKey key, string? newName)
    {
        var result = await run.Run<ApiKeyService, ServiceResult<ApiKey>>(s => s.RenameAsync(organizationId, caller, key.Id, newName));
        if (removed(result.Error)) return false;
        snackbar.Report(result.Error, $"Renamed to \"{result.Value?.Name}\".");
        return result.Succeeded;
    }

    // Keys made by this key stop with it: say how many before the user confirms.
    private async Task<string?> DescendantsWarningAsync(ApiKey key)
    {
        var count = await run.Run<ApiKeyService, ServiceResult<int>>(s => s.CountDescendantsAsync(organizationId, caller, key.Id));
        return DescendantsWarning(count.Succeeded ? count.Value : 0);
    }

    public static string? DescendantsWarning(int count) => count switch
    {
        0 => null,
        1 => "1 working key made from this key stops with it.",
        _ => $"{count} working keys made from this key stop with it.",
    };

    // The secret lives only in this call and the dialog's parameters (kept for as long as the dialog may render
    // again); once Done closes the dialog, nothing refers to it any more.
    // The key stays marked "secret may not have been saved" until Done is pressed.
    /// <summary>The key whose secret was shown last (created, rolled): the list puts the focus on its row after Done.</summary>
    public string? ShownKeyId { get; private set; }

    private async Task ShowSecretOnceAsync(CreatedApiKey created)
    {
        ShownKeyId = created.Key.Id;
        var dialog = await dialogs.ShowAsync<SecretOnceDialog>("API Key Created", new DialogParameters<SecretOnceDialog>
        {
            { d => d.Name, created.Key.Name },
            { d => d.Secret, created.Secret },
            { d => d.OrgId, organizationId },
            { d => d.ApiBase, apiBase },
            { d => d.Path, ApiKeyCreatedDialog.TryPath(created.Key.Scopes, created.Key.SurveyIds) },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = false, BackdropClick = false, CloseButton = false, DefaultFocus = DefaultFocus.None });
        var keyId = created.Key.Id;
        await dialog.Result;
        await run.Run<ApiKeyService, ServiceResult<bool>>(s => s.ConfirmSecretSavedAsync(organizationId, caller, keyId));
    }
}
