using Nulecule.Providers;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>Keeps every progress line, so tests can look at what a user would see; can fire on a line.</summary>
internal sealed class RecordingReporter : IReporter
{
    private readonly Lock _gate = new();

    public List<string> Lines { get; } = [];

    /// <summary>Called with each line as it is reported (a test cancels a run from here).</summary>
    public Action<string>? OnLine { get; set; }

    public void Info(string message) => Add("info: " + message);

    public void Detail(string message) => Add("detail: " + message);

    public void Warn(string message) => Add("warn: " + message);

    private void Add(string line)
    {
        lock (_gate)
        {
            Lines.Add(line);
        }

        OnLine?.Invoke(line);
    }
}
