using System.Diagnostics;

namespace Nulecule.Benchmarks;

/// <summary>
/// A synthetic app written by bench/gen-synthetic.py into a fresh temporary directory. The python
/// script is the single definition of the shape, so these figures match bench/template-timing.sh.
/// </summary>
internal sealed class SyntheticApp : IDisposable
{
    private SyntheticApp(string directory) => Directory = directory;

    public string Directory { get; }

    public static SyntheticApp Generate(int components)
    {
        var script = FindGenerator();
        var directory = Path.Combine(Path.GetTempPath(), $"nulecule-bench-{components}-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(components.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start python3");
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {components} {directory} failed ({process.ExitCode}): {errors}");
        }

        return new SyntheticApp(directory);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    // BenchmarkDotNet runs each case from a generated project under bin/, so look upwards from
    // both the working directory and the binary; NULECULE_BENCH_GENERATOR overrides.
    private static string FindGenerator()
    {
        if (Environment.GetEnvironmentVariable("NULECULE_BENCH_GENERATOR") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "gen-synthetic.py");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("bench/gen-synthetic.py not found above the working directory; set NULECULE_BENCH_GENERATOR");
    }
}
