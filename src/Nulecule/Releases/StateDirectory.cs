namespace Nulecule.Releases;

/// <summary>Where nulecule keeps its release database and key: one directory per user.</summary>
public static class StateDirectory
{
    public const string EnvironmentVariable = "NULECULE_STATE_DIR";

    /// <summary>`$NULECULE_STATE_DIR`, else `$XDG_STATE_HOME/nulecule`, else `~/.local/state/nulecule`.</summary>
    public static string Resolve(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var explicitDir = environment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return Path.GetFullPath(explicitDir);
        }

        var xdg = environment("XDG_STATE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "nulecule");
        }

        var home = environment("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home, ".local", "state", "nulecule");
    }

    /// <summary>Creates the directory readable by its owner only (a no-op on Windows).</summary>
    public static void Ensure(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
