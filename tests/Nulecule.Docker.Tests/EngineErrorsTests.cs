using Docker.DotNet;
using Nulecule.Docker.Internal;

namespace Nulecule.Docker.Tests;

public sealed class EngineErrorsTests
{
    [Theory]
    [InlineData("driver failed programming external connectivity on endpoint x (abc): Bind for 0.0.0.0:8080 failed: port is already allocated", 8080, true)]
    [InlineData("driver failed programming external connectivity on endpoint x (abc): Bind for [::]:443 failed: port is already allocated", 443, true)]
    [InlineData("Error starting userland proxy: listen tcp4 127.0.0.1:18081: bind: address already in use", 18081, false)]
    [InlineData("Error starting userland proxy: listen udp 0.0.0.0:53: bind: address already in use", 53, false)]
    public void Should_find_the_host_port_of_a_port_in_use_error(string message, int port, bool byContainer) =>
        EngineErrors.PortInUse(message).ShouldBe((port, byContainer));

    [Fact]
    public void Should_not_take_other_errors_for_a_port_in_use() =>
        EngineErrors.PortInUse("OCI runtime create failed: exec: \"nope\": executable file not found in $PATH").ShouldBeNull();

    [Theory]
    [InlineData("{\"message\":\"No such image: x:1\"}\n", "No such image: x:1")]
    [InlineData("plain text from a proxy", "plain text from a proxy")]
    [InlineData("{\"other\":1}", "{\"other\":1}")]
    public void Should_give_the_engine_message_not_its_json(string body, string expected) =>
        EngineErrors.MessageOf(new DockerApiException(System.Net.HttpStatusCode.InternalServerError, body)).ShouldBe(expected);
}
