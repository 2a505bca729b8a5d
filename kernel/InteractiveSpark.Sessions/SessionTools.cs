using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Local;

namespace InteractiveSpark.Sessions;

/// <summary>What to read from a session's logs: the driver's or one executor's, the last lines, only those matching a pattern.</summary>
public sealed record SessionLogRequest
{
    /// <summary>The most lines a request may ask for.</summary>
    public const int MaxTail = 100_000;

    /// <summary>How many of the last (matching) lines to return; 200 unless set.</summary>
    public int Tail { get; init; } = 200;

    /// <summary>A .NET regular expression: only lines it matches; null for every line.</summary>
    public string? Grep { get; init; }

    /// <summary>The executor whose log to read (its Spark id, e.g. <c>0</c>); null for the driver's.</summary>
    public string? Executor { get; init; }

    /// <summary>Checks the request and compiles its pattern; throws <see cref="SessionToolException"/> with a message for people.</summary>
    public Regex? Validate()
    {
        if (Tail is < 0 or > MaxTail)
        {
            throw new SessionToolException($"--tail must be a number of lines from 0 to {MaxTail.ToString(CultureInfo.InvariantCulture)} (got {Tail.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (Executor is { } e && !Regex.IsMatch(e, "^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant))
        {
            throw new SessionToolException($"--executor takes an executor id such as 0 or 1 (got '{e}').");
        }

        if (string.IsNullOrEmpty(Grep))
        {
            return null;
        }

        try
        {
            return new Regex(Grep, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException ex)
        {
            throw new SessionToolException($"--grep '{Grep}' is not a valid regular expression: {ex.Message}");
        }
    }

    internal static bool Matches(Regex? grep, string line)
    {
        if (grep is null)
        {
            return true;
        }

        try
        {
            return grep.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}

/// <summary>A request to a session's logs or UI that cannot be served, with a message for people.</summary>
public sealed class SessionToolException : Exception
{
    /// <summary>Makes one.</summary>
    public SessionToolException()
    {
    }

    /// <summary>Makes one with a message for people.</summary>
    public SessionToolException(string message)
        : base(message)
    {
    }

    /// <summary>Makes one with a message for people and its cause.</summary>
    public SessionToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A session's driver and executor logs, whatever launched it.</summary>
public interface ISessionLogs
{
    /// <summary>Whether the session has executors of its own (whose logs <see cref="SessionLogRequest.Executor"/> names).</summary>
    bool HasExecutors { get; }

    /// <summary>The last <see cref="SessionLogRequest.Tail"/> matching lines.</summary>
    Task<IReadOnlyList<string>> ReadAsync(SessionLogRequest request, CancellationToken cancellationToken = default);

    /// <summary>The last matching lines, then new matching lines as they are logged, until cancelled or the log ends.</summary>
    IAsyncEnumerable<string> FollowAsync(SessionLogRequest request, CancellationToken cancellationToken = default);
}

/// <summary>A link to a session's Spark UI.</summary>
/// <param name="Uri">Where to open it.</param>
/// <param name="ExpiresIn">How long the link works, when it is a one-time login link; null when it does not expire.</param>
public sealed record SessionUiLink(Uri Uri, TimeSpan? ExpiresIn);

/// <summary>A session's Spark UI, whatever launched it.</summary>
public interface ISessionUi
{
    /// <summary>A link a browser can open (for a gateway, a one-time login link that sets its cookie).</summary>
    Task<SessionUiLink> GetLinkAsync(CancellationToken cancellationToken = default);
}

/// <summary>The logs and UI of an <see cref="OpenSparkSession"/>, by its launcher.</summary>
public static class SessionTools
{
    /// <summary>The session's logs, or null when the front end did not start its server (a <c>--url</c> session).</summary>
    public static ISessionLogs? Logs(this OpenSparkSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Resources is IGatewaySession gateway ? new GatewayTools(gateway)
            : session.Server is { } server ? new LocalServerLogs(server)
            : null;
    }

    /// <summary>The session's Spark UI, or null when none is known (the UI is off, or a server that does not advertise it).</summary>
    public static ISessionUi? Ui(this OpenSparkSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Resources is IGatewaySession gateway)
        {
            return new GatewayTools(gateway);
        }

        if (session.Server is { } server)
        {
            return server.UiPort is { } port ? new FixedUi(new Uri($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/")) : null;
        }

        return session.UiUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? new FixedUi(uri) : null;
    }

    private sealed class FixedUi(Uri uri) : ISessionUi
    {
        public Task<SessionUiLink> GetLinkAsync(CancellationToken cancellationToken = default) => Task.FromResult(new SessionUiLink(uri, null));
    }
}

/// <summary>A local server's log, kept in memory (its last 10,000 lines); executors run inside the driver.</summary>
internal sealed class LocalServerLogs(LocalSparkServer server) : ISessionLogs
{
    public bool HasExecutors => false;

    public Task<IReadOnlyList<string>> ReadAsync(SessionLogRequest request, CancellationToken cancellationToken = default)
    {
        var grep = Check(request);
        return Task.FromResult<IReadOnlyList<string>>(Last(server.LogSnapshot().Lines, grep, request.Tail));
    }

    public async IAsyncEnumerable<string> FollowAsync(SessionLogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var grep = Check(request);
        var (seen, lines) = server.LogSnapshot();
        foreach (var line in Last(lines, grep, request.Tail))
        {
            yield return line;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var exited = server.HasExited;
            try
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            var (total, now) = server.LogSnapshot();
            var fresh = (int)Math.Min(total - seen, now.Length);
            seen = total;
            foreach (var line in now.Skip(now.Length - fresh).Where(l => SessionLogRequest.Matches(grep, l)))
            {
                yield return line;
            }

            if (exited)
            {
                yield break;
            }
        }
    }

    private static Regex? Check(SessionLogRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var grep = request.Validate();
        if (request.Executor is not null)
        {
            throw new SessionToolException(
                "A local session runs its executors inside the driver process (master local[...]): there are no executor logs; the driver's log (--driver) has everything.");
        }

        return grep;
    }

    private static List<string> Last(string[] lines, Regex? grep, int tail)
    {
        var matching = lines.Where(l => SessionLogRequest.Matches(grep, l)).ToList();
        return matching.Count > tail ? matching.GetRange(matching.Count - tail, tail) : matching;
    }
}

/// <summary>A Docker or Marathon session's logs and UI through its gateway: HTTPS pinned to the gateway's certificate, the token as a bearer header.</summary>
internal sealed class GatewayTools(IGatewaySession docker) : ISessionLogs, ISessionUi
{
    public bool HasExecutors => docker.HasExecutors;

    public async Task<IReadOnlyList<string>> ReadAsync(SessionLogRequest request, CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();
        await foreach (var line in StreamAsync(request, follow: false, cancellationToken).ConfigureAwait(false))
        {
            lines.Add(line);
        }

        return lines;
    }

    public IAsyncEnumerable<string> FollowAsync(SessionLogRequest request, CancellationToken cancellationToken = default) =>
        StreamAsync(request, follow: true, cancellationToken);

    public async Task<SessionUiLink> GetLinkAsync(CancellationToken cancellationToken = default)
    {
        using var http = Client(TimeSpan.FromSeconds(30));
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(docker.GatewayUri, "/login/ticket"));
        using var response = await SendAsync(http, post, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new SessionToolException($"The gateway of {docker.Name} refused a UI login link ({(int)response.StatusCode}): {body.Trim()}");
        }

        using var json = JsonDocument.Parse(body);
        var path = json.RootElement.GetProperty("path").GetString() ?? throw new SessionToolException($"The gateway of {docker.Name} answered no login path.");
        var seconds = json.RootElement.TryGetProperty("expiresInSeconds", out var e) && e.TryGetInt32(out var s) ? s : 120;
        return new SessionUiLink(new Uri(docker.GatewayUri, path), TimeSpan.FromSeconds(seconds));
    }

    private async IAsyncEnumerable<string> StreamAsync(SessionLogRequest request, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (request.Executor is not null && !HasExecutors)
        {
            throw new SessionToolException(
                $"{docker.Name} runs Spark in its driver (started without --executors): there are no executor logs; the driver's log (--driver) has everything.");
        }

        var path = request.Executor is { } id ? "/logs/executor/" + Uri.EscapeDataString(id) : "/logs/driver";
        var query = $"?tail={request.Tail.ToString(CultureInfo.InvariantCulture)}"
            + (string.IsNullOrEmpty(request.Grep) ? "" : "&grep=" + Uri.EscapeDataString(request.Grep))
            + (follow ? "&follow=true" : "");
        using var http = Client(follow ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(60));
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(docker.GatewayUri, path + query));
        using var response = await SendAsync(http, get, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var what = request.Executor is { } k ? $"executor {k}'s log" : "the driver's log";
            throw new SessionToolException($"The gateway of {docker.Name} has no {what} ({(int)response.StatusCode}): {body.Trim()}");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (follow && (e is OperationCanceledException || (e is IOException or HttpRequestException && cancellationToken.IsCancellationRequested)))
            {
                yield break;
            }

            if (line is null)
            {
                yield break;
            }

            yield return line;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", docker.ConnectionString.Token);
        try
        {
            return await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // Never the token: the message names the gateway and the cause only.
            throw new SessionToolException($"Could not reach the gateway of {docker.Name} at {docker.GatewayUri.Authority}: {e.Message}", e);
        }
    }

    private HttpClient Client(TimeSpan timeout)
    {
        var pin = docker.CertificateSha256.Replace(":", "", StringComparison.Ordinal);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = new SslClientAuthenticationOptions
            {
                // The token goes only to the gateway whose certificate this session pinned.
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    cert is not null && pin.Length == 64 && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), pin, StringComparison.OrdinalIgnoreCase),
            },
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }
}
