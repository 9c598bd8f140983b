using System.Globalization;
using Marketplace.Api.Auth;
using Marketplace.Api.Localization;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Marketplace.Api.Web;

/// <summary>
/// What every workspace page has: the signed-in <see cref="Caller"/> (the same one an API request would carry, so the use
/// cases apply the same rules), texts from the API's resources (<see cref="T"/>), <see cref="RunAsync"/> to call a use case
/// and show its refusal as <see cref="Problem"/> (field errors next to their fields), and <see cref="Listen"/> for outbox
/// events addressed to this page. Pages stay thin: bind inputs, call a use case, show its result.
/// </summary>
public abstract class WorkspaceComponent : ComponentBase, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject] protected MessageRenderer Messages { get; set; } = null!;

    [Inject] protected NavigationManager Navigation { get; set; } = null!;

    [Inject] protected LiveUpdates Live { get; set; } = null!;

    [Inject] protected UiSession Session { get; set; } = null!;

    [Inject] protected TimeProvider Clock { get; set; } = null!;

    [Inject] private StandingCache Standings { get; set; } = null!;

    /// <summary>The signed-in caller, with the address the browser connected from (for the audit).</summary>
    protected Caller Caller { get; private set; } = null!;

    /// <summary>The last use case's refusal, or null.</summary>
    protected UiProblem? Problem { get; set; }

    /// <summary>True while <see cref="RunAsync"/> waits for a use case (buttons show a spinner and do not submit twice).</summary>
    protected bool Busy { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        var state = await AuthenticationState;
        Caller = state.User.RequireCaller() with { Address = Session.Address };
        await RunAsync(LoadAsync);
    }

    /// <summary>Reads what the page shows; refusals become <see cref="Problem"/> (a 404 shows as not found, not an error page).</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Runs a use case; true when it succeeded. A refusal the API would answer with a 4xx becomes <see cref="Problem"/>.</summary>
    protected async Task<bool> RunAsync(Func<Task> action)
    {
        if (Busy) return false;
        Busy = true;
        Problem = null;
        try
        {
            // A circuit outlives the request that opened it: before each use case, the caller's standing as for every API
            // request (disabled user or organisation, password changed: at once on this instance, within 30 s elsewhere).
            if (Caller is not null && !await StillSignedInAsync())
            {
                Navigation.NavigateTo("/login", forceLoad: true);
                return false;
            }
            await action();
            return true;
        }
        catch (Exception e) when (UiProblem.TryFrom(e, Messages, out var problem))
        {
            Problem = problem;
            return false;
        }
        finally
        {
            Busy = false;
        }
    }

    private async Task<bool> StillSignedInAsync()
    {
        var state = await AuthenticationState;
        var standing = await Standings.GetAsync(Caller.UserId, CancellationToken.None);
        return standing.Active && standing.Stamp == CallerClaims.StampOf(state.User);
    }

    /// <summary>A text from Messages.resx in the page's language.</summary>
    protected string T(string key, params object?[] args) => Messages.Render(new UserMessage(key, args));

    /// <summary>An enum value's name (<c>enum.{Type}.{Name}</c>).</summary>
    protected string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Messages.Find($"enum.{typeof(TEnum).Name}.{value}") ?? value.ToString();

    /// <summary>Now, from the host's clock.</summary>
    protected DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>
    /// Hears outbox events for these audiences while the page is open; the handler runs on the page's renderer and the page
    /// re-renders after it. Subscribe only to audiences the caller may hear (its organisation, offerings it could read).
    /// </summary>
    protected void Listen(IEnumerable<string> audiences, Func<LiveEvent, Task> handler)
    {
        // The event is delivered from the outbox dispatcher, whose culture flows into the handler: the page's own (the
        // circuit's, taken now) is put back, so dates and words stay in the page's language after a live update.
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        _subscriptions.Add(Live.Subscribe(audiences, e => InvokeAsync(async () =>
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
            await handler(e);
            StateHasChanged();
        })));
    }

    /// <summary>The caller's own organisation stream.</summary>
    protected string OwnAudience => Audience.Organization(Caller.OrganizationId);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _subscriptions.Clear();
    }
}

/// <summary>The circuit's facts from the request that opened it: the browser's address (after the trusted-proxy rules).</summary>
public sealed class UiSession
{
    public string? Address { get; set; }
}
