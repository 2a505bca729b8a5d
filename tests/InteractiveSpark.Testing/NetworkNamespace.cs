using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace InteractiveSpark.Testing;

/// <summary>
/// A Linux network namespace this process can open sockets in without running another process: a socket belongs to the
/// namespace of the thread that created it, so a short-lived thread joins the namespace (<c>setns</c>), creates the
/// socket and ends; the socket is then used from any thread, the rest of the process stays where it was. This is how a
/// test speaks as the "intruder" of <see cref="ClusterNetwork"/> with the same .NET probes it uses elsewhere.
/// </summary>
/// <param name="Path">A file naming the namespace: <c>/run/netns/NAME</c> (<c>ip netns add</c>) or <c>/proc/PID/ns/net</c>.</param>
public sealed record NetworkNamespace(string Path)
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>A TCP socket created in this namespace and connected to <paramref name="endpoint"/> (as seen from it).</summary>
    public async Task<Socket> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = CreateSocket(endpoint.AddressFamily);
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP handler whose every connection is made from this namespace (for <see cref="HttpClient"/>).</summary>
    public SocketsHttpHandler HttpHandler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var address = IPAddress.Parse(context.DnsEndPoint.Host.Trim('[', ']'));
            var socket = await ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        },
    };

    /// <summary>Creates an unconnected TCP socket in this namespace.</summary>
    public Socket CreateSocket(AddressFamily family)
    {
        Socket? socket = null;
        Exception? error = null;
        // A thread of its own: setns changes the calling thread's namespace only, and this thread ends right after.
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(Path);
                if (SetNs(target.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setns({Path}) failed (root or CAP_SYS_ADMIN is needed)");
                }

                try
                {
                    socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
                }
                finally
                {
                    // Back home before the thread ends: a runtime may reuse an OS thread's state for cleanup.
                    _ = SetNs(home.DangerousGetHandle().ToInt32(), CloneNewNet);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Win32Exception or SocketException)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = "netns " + Path };
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"Could not open a socket in the network namespace {Path}: {error?.Message}", error);
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
