using System.Diagnostics;
using Nulecule.Releases;

namespace Nulecule.Testing;

/// <summary>Helpers the release tests of every engine share. Compiled into each test project from tests/Shared.</summary>
public static class ReleaseTestSupport
{
    /// <summary>
    /// Asserts that <paramref name="action"/> throws <typeparamref name="T"/> and adds its message
    /// and every inner message to <paramref name="messages"/> (tests then check them for secrets).
    /// </summary>
    public static async Task<T> FailsAsync<T>(Func<Task> action, ICollection<string> messages)
        where T : Exception
    {
        // Not Should.ThrowAsync: for a cancelled task it makes a new TaskCanceledException and the
        // message the code under test gave is lost.
        T? error = null;
        try
        {
            await action();
        }
        catch (T e)
        {
            error = e;
        }

        error.ShouldNotBeNull($"expected {typeof(T).Name}");
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return error;
    }

    /// <summary>
    /// A lock on <paramref name="release"/> as a killed `nulecule` would leave it: its owner is a
    /// real process, seen alive (its start time read), then killed, so its pid is a dead owner.
    /// </summary>
    public static async Task<ReleaseLock> StaleLockAsync(string release)
    {
        using var gone = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var started = new DateTimeOffset(gone.StartTime.ToUniversalTime(), TimeSpan.Zero);
        gone.Kill();
        await gone.WaitForExitAsync();
        return new ReleaseLock(release, gone.Id, Environment.MachineName, started, DateTimeOffset.UtcNow.AddMinutes(-1), "run");
    }

    /// <summary>
    /// The Nulecule file of the two-component release test app each engine's tests deploy:
    /// `web` (params `greeting` and `image`, the hidden global `token`) and, when
    /// <paramref name="workerArtifact"/> is given, `worker` (param `mode`). The artifacts, which
    /// differ by engine, are listed for <paramref name="provider"/>.
    /// </summary>
    public static string ReleaseAppNulecule(string provider, string image, IEnumerable<string> webArtifacts, string? workerArtifact)
    {
        var worker = workerArtifact is null
            ? ""
            : $"""
                - name: worker
                  params:
                    - name: mode
                      description: How the worker works
                      default: one
                  artifacts:
                    {provider}:
                      - {workerArtifact}
              """;
        var web = string.Join("\n", webArtifacts.Select(a => "        - " + a));
        return $"""
            specversion: 0.0.2
            id: relapp
            metadata:
              name: Release test app
              appversion: 1.0.0
            params:
              - name: token
                description: A secret the web server gets
                hidden: true
            graph:
              - name: web
                params:
                  - name: greeting
                    description: What the web server says
                    default: hello
                  - name: image
                    description: The web server image
                    default: {image}
                artifacts:
                  {provider}:
            {web}
            {worker}
            """;
    }
}
