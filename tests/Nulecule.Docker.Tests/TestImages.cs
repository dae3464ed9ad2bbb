namespace Nulecule.Docker.Tests;

internal static class TestImages
{
    /// <summary>Made by scripts/build-test-images.sh (no registry needed).</summary>
    public const string Busybox = "local/busybox:latest";
}
