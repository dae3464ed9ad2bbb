using Nulecule.Docker.Run;

namespace Nulecule.Docker.Tests;

public sealed class ValueParsersTests
{
    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("512m", 512L * 1024 * 1024)]
    [InlineData("512MB", 512L * 1024 * 1024)]
    [InlineData("2g", 2L * 1024 * 1024 * 1024)]
    [InlineData("1.5g", 3L * 512 * 1024 * 1024)]
    [InlineData("10b", 10L)]
    public void Should_parse_memory_sizes(string text, long bytes) => ValueParsers.ParseBytes(text).ShouldBe(bytes);

    [Theory]
    [InlineData("")]
    [InlineData("12x")]
    [InlineData("m")]
    [InlineData("-5m")]
    public void Should_reject_bad_memory_sizes(string text) => ValueParsers.ParseBytes(text).ShouldBeNull();

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    [InlineData("1.5s", 1_500)]
    public void Should_parse_go_durations(string text, int milliseconds) =>
        ValueParsers.ParseDuration(text).ShouldBe(TimeSpan.FromMilliseconds(milliseconds));

    [Theory]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("5 days")]
    public void Should_reject_bad_durations(string text) => ValueParsers.ParseDuration(text).ShouldBeNull();

    [Fact]
    public void Should_parse_cpus_as_nano_cpus()
    {
        ValueParsers.ParseNanoCpus("1.5").ShouldBe(1_500_000_000L);
        ValueParsers.ParseNanoCpus("0").ShouldBeNull();
        ValueParsers.ParseNanoCpus("two").ShouldBeNull();
    }
}
