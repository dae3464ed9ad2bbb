using Nulecule.Docker.Run;

namespace Nulecule.Docker.Tests;

public sealed class PortMappingTests
{
    [Theory]
    [InlineData("80", null, null, 80, "tcp")]
    [InlineData("8080:80", null, "8080", 80, "tcp")]
    [InlineData("::80", null, null, 80, "tcp")]
    [InlineData("127.0.0.1:8080:80", "127.0.0.1", "8080", 80, "tcp")]
    [InlineData("127.0.0.1::80", "127.0.0.1", null, 80, "tcp")]
    [InlineData("53:53/udp", null, "53", 53, "udp")]
    [InlineData("80/tcp", null, null, 80, "tcp")]
    [InlineData("[::1]:8080:80", "::1", "8080", 80, "tcp")]
    [InlineData("::1:8080:80", "::1", "8080", 80, "tcp")]
    [InlineData("8000-8010:80", null, "8000-8010", 80, "tcp")]
    [InlineData("9000:9000/sctp", null, "9000", 9000, "sctp")]
    public void Should_parse_a_single_mapping(string spec, string? ip, string? host, int container, string protocol)
    {
        var ports = PortMapping.Parse(spec, out var error);

        error.ShouldBeNull();
        ports.ShouldHaveSingleItem().ShouldBe(new PortMapping(ip, host, container, protocol));
    }

    [Fact]
    public void Should_expand_matching_ranges()
    {
        var ports = PortMapping.Parse("8000-8002:9000-9002/udp", out var error);

        error.ShouldBeNull();
        ports.Select(p => (p.HostPort, p.ContainerPort, p.Protocol)).ShouldBe([("8000", 9000, "udp"), ("8001", 9001, "udp"), ("8002", 9002, "udp")]);
    }

    [Fact]
    public void Should_give_a_container_range_random_host_ports()
    {
        PortMapping.Parse("7000-7001", out _).Select(p => (p.HostPort, p.ContainerPort)).ShouldBe([(null, 7000), (null, 7001)]);
    }

    [Theory]
    [InlineData("", "no container port")]
    [InlineData("8080:", "no container port")]
    [InlineData("abc", "invalid container port")]
    [InlineData("70000", "invalid container port")]
    [InlineData("x:80", "invalid host port")]
    [InlineData("300.1.1.1:80:80", "not an IP address")]
    [InlineData("80/icmp", "unknown protocol")]
    [InlineData("8000-8001:80-82", "differ in size")]
    [InlineData("90-80", "invalid container port")]
    public void Should_explain_a_malformed_mapping(string spec, string reason)
    {
        PortMapping.Parse(spec, out var error).ShouldBeEmpty();
        error.ShouldNotBeNull().ShouldContain(reason);
    }
}
