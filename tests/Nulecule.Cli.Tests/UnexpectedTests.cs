namespace Nulecule.Cli.Tests;

/// <summary>The last line of defence: whatever escapes a command is one line and an exit code.</summary>
public class UnexpectedTests
{
    [Fact]
    public void Should_name_the_sqlite_library_when_the_release_history_cannot_load_it()
    {
        // Given: the native library of Microsoft.Data.Sqlite is missing (a broken install)
        static Nulecule.Releases.SqliteReleaseStore Missing(string path) =>
            throw new TypeInitializationException("SQLitePCL.raw", new DllNotFoundException("Unable to load shared library 'e_sqlite3'"));

        // When
        var error = Should.Throw<OperationFailedException>(() => ReleaseContext.OpenStore("/state/releases.db", Missing));

        // Then
        error.Message.ShouldBe("the release history (/state/releases.db) cannot be opened: SQLite's native library (e_sqlite3) could not be loaded: " +
            "Unable to load shared library 'e_sqlite3' (it ships beside the nulecule binary: reinstall nulecule)");
        Unexpected.Describe(error).Code.ShouldBe(ExitCodes.Failed);
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException), 1, "internal error (InvalidOperationException): boom (run again with -v for details, and report it)")]
    [InlineData(typeof(UnsafeFileException), 2, "boom")]
    [InlineData(typeof(FileNotFoundException), 2, "boom")]
    [InlineData(typeof(IOException), 1, "I/O error: boom")]
    [InlineData(typeof(DllNotFoundException), 1, "a native library could not be loaded: boom (the Docker release history needs SQLite's e_sqlite3 beside the nulecule binary; reinstall nulecule, or use --provider kubernetes)")]
    public void Should_turn_any_exception_into_one_line_and_an_exit_code(Type type, int code, string message)
    {
        var exception = (Exception)Activator.CreateInstance(type, "boom")!;

        Unexpected.Describe(exception).ShouldBe((code, message));
    }

    [Fact]
    public void Should_keep_the_engines_own_words_from_a_docker_error()
    {
        var error = new global::Docker.DotNet.DockerApiException(System.Net.HttpStatusCode.BadRequest,
            "{\"message\":\"no such image: Local/Hello:1: invalid reference format: repository name must be lowercase\"}\n");

        Unexpected.Describe(error).ShouldBe((1, "the Docker engine refused: no such image: Local/Hello:1: invalid reference format: repository name must be lowercase"));
    }

    [Fact]
    public async Task Should_print_no_stack_trace_for_an_exception_escaping_a_command()
    {
        // `run` on a Nulecule file that is a directory named Nulecule: File.Exists is false,
        // Directory.Exists is true, and reading it must still end in one line.
        var dir = Directory.CreateTempSubdirectory("nulecule-unexpected-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "Nulecule"));

            var result = await Cli.RunAsync("template", Path.Combine(dir, "Nulecule"), "-p", "docker");

            result.ExitCode.ShouldBe(2);
            result.Stderr.ShouldNotContain("   at ");
            result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBeLessThanOrEqualTo(2);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
