using System.Diagnostics;

namespace Nulecule.Providers;

/// <summary>Where a component (or one of its objects) is in a run, an upgrade, a rollback or a stop.</summary>
public enum ProgressState
{
    /// <summary>Its image is being pulled.</summary>
    Pulling,

    /// <summary>Its objects are being created or applied.</summary>
    Creating,

    /// <summary>Its container is being started.</summary>
    Starting,

    /// <summary>Started or applied; `--wait` waits until it is ready (<see cref="ProgressEvent.Detail"/> says how far).</summary>
    Waiting,

    /// <summary>Running and, where it has one, healthy (with `--wait`).</summary>
    Ready,

    /// <summary>Started, not waited for (no `--wait`).</summary>
    Started,

    /// <summary>Applied to the cluster, not waited for (no `--wait`).</summary>
    Applied,

    /// <summary>Failed; the error that follows says why.</summary>
    Failed,

    /// <summary>Being stopped and removed.</summary>
    Removing,

    /// <summary>Gone.</summary>
    Removed,

    /// <summary>Already as the app wants it: left alone.</summary>
    Unchanged,
}

/// <summary>
/// One step of a component, reported by a provider through <see cref="IReporter.Progress"/>:
/// what state it reached and, while waiting, how far it is (`health starting, 1/3 checks failed`,
/// `1/2 pods ready`). Text is already masked by the provider.
/// </summary>
/// <param name="Component">The component, or "" for release-wide objects (the network, volumes).</param>
public sealed record ProgressEvent(string Component, ProgressState State)
{
    /// <summary>The object the step is about, as "kind name": `container web-1`, `Deployment web`.</summary>
    public string? Object { get; init; }

    /// <summary>A few words on how far the step is; may change while the state stays.</summary>
    public string? Detail { get; init; }

    /// <summary>
    /// The sentence a log shows for this step (`creating web-1 (nginx)`), or null for a step that
    /// is only worth showing live (a detail that changed while waiting).
    /// </summary>
    public string? Message { get; init; }

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>States after which nothing more happens to the component in this command.</summary>
    public bool IsFinal => State is ProgressState.Ready or ProgressState.Started or ProgressState.Applied
        or ProgressState.Failed or ProgressState.Removed or ProgressState.Unchanged;

    /// <summary>The state as the user reads it: `pulling`, `ready` ...</summary>
    public string StateName => Name(State);

    public static string Name(ProgressState state) => state switch
    {
        ProgressState.Pulling => "pulling",
        ProgressState.Creating => "creating",
        ProgressState.Starting => "starting",
        ProgressState.Waiting => "waiting",
        ProgressState.Ready => "ready",
        ProgressState.Started => "started",
        ProgressState.Applied => "applied",
        ProgressState.Failed => "failed",
        ProgressState.Removing => "removing",
        ProgressState.Removed => "removed",
        ProgressState.Unchanged => "unchanged",
        _ => throw new UnreachableException(),
    };
}

/// <summary>The engine API calls a command makes, for `-v`: method, path, status and time, never a body or a header.</summary>
public sealed record EngineCall(string Engine, string Method, string Path, int? Status, TimeSpan Elapsed, string? Error = null)
{
    /// <summary>`GET /v1.41/containers/json 200 3 ms`.</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{Engine}: {Method} {Path} {(Status is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")} {Elapsed.TotalMilliseconds:0} ms{(Error is null ? "" : $" ({Error})")}");
}

/// <summary>
/// Where the engine clients' <see cref="EngineCallHandler"/> report their calls. Set by the host for
/// the command it runs; it flows with the command's async calls, so concurrent commands (tests
/// run many in one process) each see only their own.
/// </summary>
public static class EngineCalls
{
    private static readonly AsyncLocal<Action<EngineCall>?> Current = new();

    public static Action<EngineCall>? Observer
    {
        get => Current.Value;
        set => Current.Value = value;
    }
}

/// <summary>
/// Times every request an engine client sends and reports it to <see cref="EngineCalls.Observer"/>:
/// the method, the path without its query (which may carry label values and filters), the status
/// and the time to the response headers. Bodies and headers (tokens) are never looked at.
/// </summary>
public sealed class EngineCallHandler : DelegatingHandler
{
    private readonly string _engine;

    public EngineCallHandler(string engine)
    {
        _engine = engine;
    }

    public EngineCallHandler(string engine, HttpMessageHandler inner)
        : base(inner)
    {
        _engine = engine;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var observer = EngineCalls.Observer;
        if (observer is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var method = request.Method.Method;
        var path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString.Split('?')[0] ?? "";
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            observer(new EngineCall(_engine, method, path, (int)response.StatusCode, Stopwatch.GetElapsedTime(started)));
            return response;
        }
        catch (Exception e)
        {
            observer(new EngineCall(_engine, method, path, null, Stopwatch.GetElapsedTime(started), e is OperationCanceledException ? "cancelled" : "no answer"));
            throw;
        }
    }
}
