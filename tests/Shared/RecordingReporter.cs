using Nulecule.Providers;

namespace Nulecule.Testing;

/// <summary>
/// Keeps every progress line, so tests can look at what a user would see; can fire on a line (a
/// test cancels a run from there). Safe to report to from several threads. Compiled into each test
/// project from tests/Shared.
/// </summary>
public sealed class RecordingReporter : IReporter
{
    private readonly Lock _gate = new();

    public List<string> Lines { get; } = [];

    /// <summary>Called with each line as it is reported.</summary>
    public Action<string>? OnLine { get; set; }

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return string.Join("\n", Lines);
            }
        }
    }

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
