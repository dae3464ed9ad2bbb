using System.Text;

namespace Nulecule.Cli;

/// <summary>
/// Bytes a command prints as it runs (`exec`): straight to the descriptor when the writer is a
/// stream's, else decoded as UTF-8 into the writer (the in-process runner of the tests).
/// </summary>
internal sealed class OutputStream : Stream
{
    private readonly TextWriter _writer;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();

    private OutputStream(TextWriter writer) => _writer = writer;

    public static Stream For(TextWriter writer)
    {
        if (writer is StreamWriter { BaseStream: var stream })
        {
            writer.Flush();
            return new Unowned(stream);
        }

        return new OutputStream(writer);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        var n = _decoder.GetChars(buffer, offset, count, chars, 0);
        _writer.Write(chars, 0, n);
    }

    public override void Flush() => _writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>The writer's own stream, flushed but never closed (the writer still owns it).</summary>
    private sealed class Unowned(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
