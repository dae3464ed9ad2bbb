using System.Diagnostics;

namespace Nulecule.Testing;

/// <summary>
/// Asks a URL every few milliseconds while a command runs and records every answer, so a test
/// can show that an app kept serving throughout (zero failures), not only before and after.
/// </summary>
public sealed class HttpPoller : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _failures = [];
    private int _successes;

    /// <summary>When the first right answer came (null: none yet).</summary>
    public DateTimeOffset? FirstSuccessAt { get; private set; }

    /// <summary>When the first failure came (null: none).</summary>
    public DateTimeOffset? FirstFailureAt { get; private set; }

    public HttpPoller(string url, string expectedBody, TimeSpan? interval = null)
    {
        _loop = Task.Run(async () =>
        {
            var every = interval ?? TimeSpan.FromMilliseconds(50);
            var clock = Stopwatch.StartNew();
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var body = await _http.GetStringAsync(url, _stop.Token);
                    if (body.Contains(expectedBody, StringComparison.Ordinal))
                    {
                        FirstSuccessAt ??= DateTimeOffset.UtcNow;
                        Interlocked.Increment(ref _successes);
                    }
                    else
                    {
                        FirstFailureAt ??= DateTimeOffset.UtcNow;
                        lock (_failures)
                        {
                            _failures.Add($"{clock.ElapsedMilliseconds} ms: unexpected body '{body.Trim()}'");
                        }
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    FirstFailureAt ??= DateTimeOffset.UtcNow;
                    lock (_failures)
                    {
                        _failures.Add($"{clock.ElapsedMilliseconds} ms: {e.GetType().Name}: {e.Message}");
                    }
                }

                try
                {
                    await Task.Delay(every, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    /// <summary>Stops polling; returns how many answers were right and every failure.</summary>
    public async Task<(int Successes, IReadOnlyList<string> Failures)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_failures)
        {
            return (_successes, _failures.ToList());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
