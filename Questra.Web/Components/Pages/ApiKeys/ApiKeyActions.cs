using Microsoft.AspNetCore.Components;
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
    Caller caller, Func<ServiceError?, bool> removed, object receiver)
{
    public async Task<bool> CreateAsync()
    {
        var choices = await run.Run<SurveyAccess, ServiceResult<List<SurveyChoice>>>(s => s.ChoicesForUserAsync(organizationId, caller.UserId, 500));
        if (removed(choices.Error) || !choices.Succeeded) return false;
        var surveys = choices.Value.Select(x => new CreateApiKeyForm.SurveyOption(x.Id, x.Title)).ToList();
        var lifetime = await LifetimeAsync();
        return await FormThenSecretAsync<CreateApiKeyForm>("Create New API Key", (done, cancel) => new()
        {
            [nameof(CreateApiKeyForm.Surveys)] = surveys,
            [nameof(CreateApiKeyForm.Now)] = clock.GetUtcNow(),
            [nameof(CreateApiKeyForm.Lifetime)] = lifetime,
            [nameof(CreateApiKeyForm.OnSubmit)] = (Func<ApiKeyInput, Task<ServiceResult<CreatedApiKey>>>)(input =>
                run.Run<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.CreateAsync(organizationId, caller, input))),
            [nameof(CreateApiKeyForm.OnCreated)] = done,
            [nameof(CreateApiKeyForm.OnCancel)] = cancel,
        });
    }

    public async Task<bool> RollAsync(ApiKey key)
    {
        var lifetime = await LifetimeAsync();
        return await FormThenSecretAsync<RollApiKeyForm>($"Roll \"{key.Name}\"", (done, cancel) => new()
        {
            [nameof(RollApiKeyForm.Key)] = key,
            [nameof(RollApiKeyForm.Now)] = clock.GetUtcNow(),
            [nameof(RollApiKeyForm.Lifetime)] = lifetime,
            [nameof(RollApiKeyForm.OnSubmit)] = (Func<RollOptions, Task<ServiceResult<CreatedApiKey>>>)(options =>
                run.Run<ApiKeyService, ServiceResult<CreatedApiKey>>(s => s.RollAsync(organizationId, caller, key.Id, options))),
            [nameof(RollApiKeyForm.OnRolled)] = done,
            [nameof(RollApiKeyForm.OnCancel)] = cancel,
        });
    }

    // The organization's lifetime rule, so the create and roll forms offer only expiries it allows.
    private async Task<KeyLifetimePolicy> LifetimeAsync() =>
        (await run.Run<ApiKeyService, ServiceResult<OrgKeyPolicy>>(s => s.GetPolicyAsync(organizationId, caller))).Value?.Lifetime ?? KeyLifetimePolicy.None;

    // A form in a dialog that ends with a new secret (create, roll): its parameters get the "done" and "cancel"
    // callbacks; a secret it hands back is shown once.
    private async Task<bool> FormThenSecretAsync<TForm>(string title,
        Func<EventCallback<CreatedApiKey>, EventCallback, Dictionary<string, object?>> parameters) where TForm : IComponent
    {
        CreatedApiKey? created = null;
        IDialogReference? dialog = null;
        var values = parameters(
            EventCallback.Factory.Create<CreatedApiKey>(receiver, c => { created = c; dialog?.Close(); }),
            EventCallback.Factory.Create(receiver, () => dialog?.Close()));
        RenderFragment form = builder =>
        {
            builder.OpenComponent<TForm>(0);
            builder.AddMultipleAttributes(1, values!);
            builder.CloseComponent();
        };
        dialog = await ShowFormAsync(title, form);
        await dialog.Result;
        if (created is null) return false;
        await ShowSecretOnceAsync(created);
        return true;
    }

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

    private Task<IDialogReference> ShowFormAsync(string title, RenderFragment form) =>
        dialogs.ShowAsync<FormDialog>(title, new DialogParameters<FormDialog> { { d => d.Content, form } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, BackdropClick = false, DefaultFocus = DefaultFocus.None });

    // The secret lives only in this call and the dialog's content: the fragment below captures it (and must keep it
    // for as long as the dialog may render again); once Done closes the dialog, nothing refers to it any more.
    // The key stays marked "secret may not have been saved" until Done is pressed.
    /// <summary>The key whose secret was shown last (created, rolled): the list puts the focus on its row after Done.</summary>
    public string? ShownKeyId { get; private set; }

    private async Task ShowSecretOnceAsync(CreatedApiKey created)
    {
        ShownKeyId = created.Key.Id;
        var (keyId, name, secret) = (created.Key.Id, created.Key.Name, created.Secret);
        var tryPath = ApiKeyCreatedDialog.TryPath(created.Key.Scopes, created.Key.SurveyIds);
        IDialogReference? dialog = null;
        RenderFragment content = builder =>
        {
            builder.OpenComponent<ApiKeyCreatedDialog>(0);
            builder.AddComponentParameter(1, nameof(ApiKeyCreatedDialog.Name), name);
            builder.AddComponentParameter(2, nameof(ApiKeyCreatedDialog.Secret), secret);
            builder.AddComponentParameter(3, nameof(ApiKeyCreatedDialog.OrgId), organizationId);
            builder.AddComponentParameter(4, nameof(ApiKeyCreatedDialog.ApiBase), apiBase);
            builder.AddComponentParameter(5, nameof(ApiKeyCreatedDialog.OnDone), EventCallback.Factory.Create(receiver, () => dialog?.Close()));
            builder.AddComponentParameter(6, nameof(ApiKeyCreatedDialog.Path), tryPath);
            builder.CloseComponent();
        };
        dialog = await dialogs.ShowAsync<FormDialog>("API Key Created", new DialogParameters<FormDialog> { { d => d.Content, content } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = false, BackdropClick = false, CloseButton = false, DefaultFocus = DefaultFocus.None });
        await dialog.Result;
        await run.Run<ApiKeyService, ServiceResult<bool>>(s => s.ConfirmSecretSavedAsync(organizationId, caller, keyId));
    }
}
