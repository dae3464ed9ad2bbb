using System.Runtime.InteropServices;
using System.Text;

namespace Nulecule.Cli;

/// <summary>
/// Standard output or error, written as a plain stream. .NET's Console streams switch a terminal
/// into keypad-transmit mode (`ESC[?1h ESC=`) the first time they write and never switch it back,
/// which leaves the user's shell with odd arrow keys; a command that only prints has no use for it,
/// so on Unix the two descriptors are written directly (write(2)). A reader that went away
/// (`| head`) ends the output quietly, as it would for any Unix tool.
/// </summary>
internal sealed class StandardWriter : StreamWriter
{
    private readonly int _descriptor;

    private StandardWriter(Stream stream, int descriptor, bool isTerminal)
        : base(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 4096)
    {
        _descriptor = descriptor;
        IsTerminal = isTerminal;
        AutoFlush = true;
    }

    /// <summary>A person's terminal, not a file or a pipe.</summary>
    public bool IsTerminal { get; }

    /// <summary>The terminal's width in columns, or null when it is no terminal or does not say.</summary>
    public int? Columns => IsTerminal && Native.Columns(_descriptor) is > 0 and var columns ? columns : null;

    public static StandardWriter Output() => Open(1, Console.IsOutputRedirected, Console.OpenStandardOutput);

    public static StandardWriter Error() => Open(2, Console.IsErrorRedirected, Console.OpenStandardError);

    private static StandardWriter Open(int descriptor, bool redirected, Func<Stream> console) =>
        new(OperatingSystem.IsWindows() ? console() : new DescriptorStream(descriptor), descriptor, !redirected);

    /// <summary>
    /// write(2) on a descriptor. Not a FileStream: on a regular file that writes at its own
    /// offset (pwrite) and leaves the shared one where it was, so `(nulecule a; nulecule b) > f`
    /// would lose a's output under b's. EPIPE (the reader went away) silently ends the output.
    /// </summary>
    private sealed class DescriptorStream(int descriptor) : Stream
    {
        private const int Interrupted = 4; // EINTR
        private const int BrokenPipe = 32; // EPIPE
        private bool _closed;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!_closed && buffer.Length > 0)
            {
                var written = Native.Write(descriptor, ref System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer), buffer.Length);
                if (written >= 0)
                {
                    buffer = buffer[(int)written..];
                    continue;
                }

                var error = Marshal.GetLastPInvokeError();
                if (error == BrokenPipe)
                {
                    _closed = true;
                }
                else if (error != Interrupted)
                {
                    throw new IOException($"writing to descriptor {descriptor} failed (errno {error})");
                }
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static class Native
    {
        [StructLayout(LayoutKind.Sequential)]
        private struct WindowSize
        {
            public ushort Rows;
            public ushort Columns;
            public ushort Width;
            public ushort Height;
        }

        public static int? Columns(int descriptor)
        {
            try
            {
                // TIOCGWINSZ: Linux 0x5413, the BSDs and macOS 0x40087468.
                var request = OperatingSystem.IsLinux() ? 0x5413UL : 0x40087468UL;
                return ioctl(descriptor, request, out var size) == 0 ? size.Columns : null;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }
        }

        [DllImport("libc", EntryPoint = "write", SetLastError = true)]
        public static extern nint Write(int descriptor, ref byte buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        private static extern int ioctl(int descriptor, ulong request, out WindowSize size);
    }
}
