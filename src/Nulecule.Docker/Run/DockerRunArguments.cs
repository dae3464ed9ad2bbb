using Docker.DotNet.Models;
using Nulecule.Templating;

namespace Nulecule.Docker.Run;

/// <summary>A `-v` value: a named volume (`data:/var/lib`) or a bind mount (`/srv:/data:ro`).</summary>
public sealed record VolumeSpec(string Source, string Target, bool ReadOnly, bool IsNamed);

/// <summary>`--link name:alias`.</summary>
public sealed record LinkSpec(string Target, string Alias);

public sealed record HealthSpec(string? Command, bool Disabled, TimeSpan? Interval, TimeSpan? Timeout, TimeSpan? StartPeriod, int? Retries);

/// <summary>
/// The options of one `docker run` command, parsed the way the docker CLI parses them
/// (pflag: `--flag value`, `--flag=value`, clustered short flags `-it`, `-p8080:80`; options end
/// at the image, everything after it is the command).
/// </summary>
/// <remarks>
/// Decisions: a bare `-e NAME` (and a bare `NAME` line in an env file) takes the value of NAME in
/// the environment of the nulecule process, and is left out when unset, as the docker CLI does.
/// `--env-file` paths are relative to the directory of the artifact file. Relative bind sources
/// (`./data:/data`) are relative to the artifact directory too.
/// </remarks>
public sealed record DockerRunArguments
{
    public required string Image { get; init; }
    public IReadOnlyList<string> Command { get; init; } = [];
    public required SourceLocation Location { get; init; }
    public bool Detach { get; init; }
    public string? Name { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];
    public IReadOnlyList<string> Expose { get; init; } = [];

    /// <summary>`NAME=value` in command-line order, env files expanded in place.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];
    public IReadOnlyList<VolumeSpec> Volumes { get; init; } = [];

    /// <summary>`--mount` values as the CLI reads them; a `type=volume` source is named per release like `-v`'s.</summary>
    public IReadOnlyList<Mount> Mounts { get; init; } = [];
    public IReadOnlyList<LinkSpec> Links { get; init; } = [];
    public string? Restart { get; init; }
    public string? Network { get; init; }
    public string? Entrypoint { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public bool Privileged { get; init; }
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> CapDrop { get; init; } = [];
    public HealthSpec? Health { get; init; }
    public long? MemoryBytes { get; init; }
    public long? NanoCpus { get; init; }
    public bool Remove { get; init; }
    public bool Interactive { get; init; }
    public bool Tty { get; init; }

    /// <summary>The flags that map straight onto create fields (resources, DNS, kernel, logging, security).</summary>
    public DockerRunSettings Settings { get; init; } = DockerRunSettings.Empty;

    /// <summary>
    /// Parses a rendered command; <paramref name="artifactDirectory"/> anchors `--env-file` and
    /// relative binds. A command whose inputs were captured (<see cref="Capture"/>) reads its env
    /// files and bare `-e NAME` values from what was captured, not from the disk and the shell.
    /// </summary>
    public static DockerRunArguments Parse(
        DockerRunCommand command, string? artifactDirectory = null, Func<string, string?>? environment = null)
    {
        var directory = artifactDirectory ?? Directory.GetCurrentDirectory();
        if (command.Inputs is { } inputs)
        {
            return new DockerRunFlagParser(command, directory, name => inputs.GetValueOrDefault(EnvironmentInput + name), path => inputs.GetValueOrDefault(FileInput + path)).Parse();
        }

        return new DockerRunFlagParser(command, directory, environment ?? System.Environment.GetEnvironmentVariable).Parse();
    }

    /// <summary>Key prefixes of <see cref="DockerRunCommand.Inputs"/>: an environment variable's value, a file's text.</summary>
    public const string EnvironmentInput = "env:";

    public const string FileInput = "file:";

    /// <summary>
    /// The command with what it reads from outside its own text captured: each env and label
    /// file it names (by full path) and each variable a bare `-e NAME` takes from the
    /// environment (null when unset), so that replaying it later (rollback) runs the same
    /// container whatever the disk and the shell hold by then.
    /// </summary>
    public static DockerRunCommand Capture(DockerRunCommand command, string artifactDirectory, Func<string, string?>? environment = null)
    {
        if (command.Inputs is not null)
        {
            return command;
        }

        var live = environment ?? System.Environment.GetEnvironmentVariable;
        var inputs = new Dictionary<string, string?>(StringComparer.Ordinal);
        var parser = new DockerRunFlagParser(
            command,
            artifactDirectory,
            name => inputs[EnvironmentInput + name] = live(name),
            path => inputs[FileInput + path] = DockerRunFlagParser.ReadFromDisk(path));
        parser.Parse();
        return command with { Inputs = inputs };
    }
}
