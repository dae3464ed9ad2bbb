using System.Net;
using System.Net.Sockets;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>Small waits and probes the end-to-end tests share.</summary>
internal static class Probes
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>A TCP port nothing listens on right now (the kernel's pick), for a host port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>GETs <paramref name="url"/> until it answers 200 (a server may still be starting).</summary>
    public static async Task<string> GetAsync(string url, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await Http.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                last = new HttpRequestException($"{(int)response.StatusCode}: {body}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e;
            }

            await Task.Delay(300);
        }

        throw new TimeoutException($"GET {url} did not answer 200: {last?.Message}");
    }

    /// <summary>Polls <paramref name="check"/> until it returns a value that satisfies <paramref name="done"/>; returns the last value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> check, Func<T, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var value = await check();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            value = await check();
        }

        return value;
    }

    /// <summary>A release name no other test run uses.</summary>
    public static string Release(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The command's output, for assertion messages.</summary>
    public static string Describe(Cli.Result result) => $"exit {result.ExitCode}\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}";
}
