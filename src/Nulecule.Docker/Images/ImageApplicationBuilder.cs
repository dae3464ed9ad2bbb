using System.Formats.Tar;
using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Nulecule.Docker.Images;

/// <summary>
/// Packages an application directory as an image: `FROM base`, the app under
/// `/application-entity`, and the Nulecule labels. The build context is made here (the app
/// under `app/`, a generated Dockerfile beside it), so the app's own Dockerfile is left alone.
/// </summary>
public sealed class ImageApplicationBuilder
{
    public const string DefaultBaseImage = "local/busybox:latest";
    public const string SpecVersionLabel = "io.projectatomic.nulecule.specversion";
    public const string ProvidersLabel = "io.projectatomic.nulecule.providers";

    private readonly IDockerClient _client;

    public ImageApplicationBuilder(IDockerClient client)
    {
        _client = client;
    }

    /// <summary>Builds <paramref name="tag"/> and returns the image id.</summary>
    public async Task<string> BuildAsync(
        string appDirectory,
        string tag,
        string baseImage = DefaultBaseImage,
        string specVersion = "0.0.2",
        IEnumerable<string>? providers = null,
        CancellationToken cancellationToken = default)
    {
        appDirectory = Path.GetFullPath(appDirectory);
        if (!File.Exists(Path.Combine(appDirectory, "Nulecule")) && !File.Exists(Path.Combine(appDirectory, "Nulecule.json")))
        {
            throw new NuleculeException($"{appDirectory} has no Nulecule file", hint: "build from the directory that holds the application's Nulecule file");
        }

        var dockerfile = Dockerfile(baseImage, specVersion, providers ?? []);
        using var context = new MemoryStream();
        WriteContext(context, appDirectory, dockerfile);
        context.Position = 0;

        var errors = new List<string>();
        var progress = new Progress<JSONMessage>(m =>
        {
            if (m.Error?.Message is { Length: > 0 } message)
            {
                errors.Add(message);
            }
        });
        try
        {
            await _client.Images.BuildImageFromDockerfileAsync(
                new ImageBuildParameters { Tags = [tag], Dockerfile = "Dockerfile", Remove = true, ForceRemove = true },
                context, null, null, progress, cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new OperationFailedException($"building {tag} from {appDirectory} failed: {Internal.DockerObjects.Describe(e)}", e);
        }

        // Progress reports arrive asynchronously; give the last ones a moment before judging.
        await Task.Delay(100, cancellationToken);
        try
        {
            var image = await _client.Images.InspectImageAsync(tag, cancellationToken);
            if (errors.Count > 0)
            {
                throw new OperationFailedException($"building {tag} from {appDirectory} failed: {string.Join("; ", errors)}");
            }

            return image.ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OperationFailedException(
                $"building {tag} from {appDirectory} failed: {(errors.Count > 0 ? string.Join("; ", errors) : "the image was not created")}"
                + $" (is the base image {baseImage} present? scripts/build-test-images.sh makes local/busybox)", e);
        }
    }

    internal static string Dockerfile(string baseImage, string specVersion, IEnumerable<string> providers)
    {
        static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var text = new StringBuilder();
        text.Append("FROM ").Append(baseImage).Append('\n');
        text.Append("COPY app/ /application-entity/\n");
        text.Append("LABEL ").Append(SpecVersionLabel).Append('=').Append(Quote(specVersion))
            .Append(' ').Append(ProvidersLabel).Append('=').Append(Quote(string.Join(",", providers))).Append('\n');
        return text.ToString();
    }

    /// <summary>Regular files and directories of the app (not `.git`), under `app/`, plus the Dockerfile.</summary>
    private static void WriteContext(Stream output, string appDirectory, string dockerfile)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var bytes = Encoding.UTF8.GetBytes(dockerfile);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(bytes), Mode = (UnixFileMode)0b110_100_100 });
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "app/") { Mode = (UnixFileMode)0b111_101_101 });
        foreach (var entry in Directory.EnumerateFileSystemEntries(appDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(appDirectory, entry).Replace('\\', '/');
            if (relative == ".git" || relative.StartsWith(".git/", StringComparison.Ordinal))
            {
                continue;
            }

            var info = new FileInfo(entry);
            if (info.LinkTarget is not null)
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "app/" + relative + "/") { Mode = (UnixFileMode)0b111_101_101 });
            }
            else
            {
                using var data = File.OpenRead(entry);
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "app/" + relative) { DataStream = data, Mode = (UnixFileMode)0b110_100_100 });
            }
        }
    }
}
