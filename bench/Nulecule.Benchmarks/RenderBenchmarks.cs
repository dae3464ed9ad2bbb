using BenchmarkDotNet.Attributes;
using Nulecule.Actions;
using Nulecule.Resolution;

namespace Nulecule.Benchmarks;

/// <summary>
/// The pipeline behind `nulecule template`, in three growing slices, on synthetic apps of
/// 10/100/1000 components (each: 10 params, 5 Kubernetes artifacts; every 10th a nested app of two).
/// </summary>
[MemoryDiagnoser]
public class RenderBenchmarks
{
    private SyntheticApp _app = null!;

    [Params(10, 100, 1000)]
    public int Components { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _app = SyntheticApp.Generate(Components);
        // Fail here, not inside a measured loop, if the generated app does not render.
        var outcome = RenderAction.RunAsync(new RenderOptions { AppPath = _app.Directory }).GetAwaiter().GetResult();
        if (outcome.App.Components.Count == 0)
        {
            throw new InvalidOperationException("synthetic app rendered no components");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _app.Dispose();

    /// <summary>Parse the Nulecule files of the root and nested apps.</summary>
    [Benchmark]
    public object Load() => AppTreeLoader.LoadOrThrow(_app.Directory);

    /// <summary>Load, then resolve every param of every scope (defaults only: no answers file).</summary>
    [Benchmark]
    public object LoadResolve() => RenderAction.Resolve(new RenderOptions { AppPath = _app.Directory }).Values;

    /// <summary>Load, resolve, read and render every artifact (what `template` does before printing).</summary>
    [Benchmark]
    public Task<RenderOutcome> Render() => RenderAction.RunAsync(new RenderOptions { AppPath = _app.Directory });

    /// <summary>
    /// Render printing as it goes, then build the printed stream: the whole of `nulecule template`
    /// minus the process (the command writes the stream to stdout in chunks instead).
    /// </summary>
    [Benchmark]
    public async Task<int> RenderAndPrint()
    {
        var outcome = await RenderAction.RunAsync(new RenderOptions { AppPath = _app.Directory, Print = PrintMode.MaskSecrets });
        return TemplateOutput.Stream(outcome.App, showSecrets: false).Length;
    }
}
