using System.Diagnostics;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>Runs the real `nulecule` and sends it a signal the moment a line of its output shows a phase.</summary>
internal static class Signalled
{
    /// <summary>Starts <paramref name="info"/>, sends SIG<paramref name="signal"/> when a line contains <paramref name="trigger"/>, waits for the exit.</summary>
    public static async Task<(int Code, string Output)> InterruptAsync(ProcessStartInfo info, string trigger, string signal)
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var seen = new TaskCompletionSource();
        using var process = new Process { StartInfo = info };
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lines.Enqueue(e.Data);
            if (e.Data.Contains(trigger, StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(seen.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        first.ShouldBe(seen.Task, $"'{trigger}' never came:\n{string.Join("\n", lines)}");
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var exited = await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        exited.IsCompletedSuccessfully.ShouldBeTrue();
        process.HasExited.ShouldBeTrue($"still running a minute after SIG{signal}:\n{string.Join("\n", lines)}");
        process.WaitForExit();
        return (process.ExitCode, string.Join("\n", lines));
    }
}
