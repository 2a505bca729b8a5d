using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using InteractiveSpark.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// The gRPC side of a session: one channel to one Spark Connect server, the request header every call carries
/// (session id, user context, client type, the server session id once known, the bearer token), retries of
/// transport failures, reattachable query execution and translation of every failure into a
/// <see cref="SparkException"/>.
/// </summary>
internal sealed partial class SparkConnectClient : IAsyncDisposable
{
    /// <summary>The library version, as sent in client_type (build metadata after '+' left out).</summary>
    internal static readonly string LibraryVersion = GetLibraryVersion();

    private readonly GrpcChannel _channel;
    private readonly SparkConnectService.SparkConnectServiceClient _stub;
    private readonly Lock _tagsLock = new();
    private readonly List<string> _tags = [];
    private string? _serverSideSessionId;
    private int _disposed;
    private long _reattachCount;

    /// <summary>
    /// Creates the channel; nothing goes over the network yet. Refuses a token that would travel in clear before
    /// anything is sent (see <see cref="SparkConnectionString.EnsureTokenIsProtected"/>).
    /// </summary>
    internal SparkConnectClient(SparkConnectionString connection, SparkSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        try
        {
            connection.EnsureTokenIsProtected();
        }
        catch (InvalidOperationException e)
        {
            throw new SparkException(e.Message, e);
        }

        if (options.PinnedServerCertificateSha256 is not null && !connection.UseSsl)
        {
            // A pin without TLS would protect nothing while looking like it does.
            throw new ArgumentException(
                "SparkSessionOptions.PinnedServerCertificateSha256 needs TLS: add ';use_ssl=true' to the connection string.",
                nameof(options));
        }

        Connection = connection;
        Options = options;
        Logger = options.LoggerFactory?.CreateLogger("InteractiveSpark.SparkConnect") ?? NullLogger.Instance;
        SessionId = connection.SessionId ?? Guid.NewGuid().ToString();
        var userId = string.IsNullOrEmpty(connection.UserId) ? Environment.UserName : connection.UserId;
        UserContext = new UserContext { UserId = userId, UserName = userId };
        ClientType = BuildClientType(connection.UserAgent);

        var handler = new SocketsHttpHandler
        {
            // One HTTP/2 connection caps concurrent streams (100 by default on the server); a notebook may run
            // several queries at once plus release/interrupt calls, so let the handler open more connections.
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            // gRPC connections are long-lived by design; an idle timeout would only add reconnects.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = options.ConnectTimeout,
        };
        if (options.PinnedServerCertificateSha256 is { } pin)
        {
            var expected = SparkSessionOptions.NormalizeThumbprint(pin);
            // The pin replaces chain and name checks: a gateway's self-signed certificate is exactly what it pins.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null
                && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), expected, StringComparison.OrdinalIgnoreCase);
        }

        _channel = GrpcChannel.ForAddress(connection.GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            MaxSendMessageSize = options.MaxSendMessageSize,
            // Left false on purpose: with it, a stream the connection cancelled and an expired deadline would also
            // surface as OperationCanceledException, indistinguishable from the caller's own cancellation. The
            // client maps RpcException(Cancelled) itself: the caller's token => OperationCanceledException, else a
            // transport failure (retried or reattached).
            ThrowOperationCanceledOnCancellation = false,
        });
        _stub = new SparkConnectService.SparkConnectServiceClient(_channel);
    }

    /// <summary>Where this client connects (the token inside is never shown by its ToString).</summary>
    internal SparkConnectionString Connection { get; }

    /// <summary>Timeouts, retries and limits.</summary>
    internal SparkSessionOptions Options { get; }

    /// <summary>The client-chosen session id (a UUID) sent with every request.</summary>
    internal string SessionId { get; }

    /// <summary>Where this session logs (<see cref="SparkSessionOptions.LoggerFactory"/>; nothing when none was given).</summary>
    internal ILogger Logger { get; }

    /// <summary>The user context sent with every request.</summary>
    internal UserContext UserContext { get; }

    /// <summary>The client_type sent with every request: user agent, library, runtime and OS.</summary>
    internal string ClientType { get; }

    /// <summary>The server's id for this session, known after the first answer; null before.</summary>
    internal string? ServerSideSessionId => Volatile.Read(ref _serverSideSessionId);

    /// <summary>How many times an execution stream was reattached (a diagnostic, and what tests look at).</summary>
    internal long ReattachCount => Interlocked.Read(ref _reattachCount);

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Raised for the observed metrics (<c>df.Observe</c>) an execution's responses carry, whoever reads them.</summary>
    internal event Action<IReadOnlyList<ExecutePlanResponse.Types.ObservedMetrics>>? ObservedMetricsReceived;

    // ---------------------------------------------------------------- tags

    /// <summary>Adds a tag to every later ExecutePlan of this session.</summary>
    internal void AddTag(string tag)
    {
        ValidateTag(tag);
        lock (_tagsLock)
        {
            if (!_tags.Contains(tag))
            {
                _tags.Add(tag);
            }
        }
    }

    internal void RemoveTag(string tag)
    {
        ValidateTag(tag);
        lock (_tagsLock)
        {
            _tags.Remove(tag);
        }
    }

    internal void ClearTags()
    {
        lock (_tagsLock)
        {
            _tags.Clear();
        }
    }

    internal IReadOnlyList<string> GetTags()
    {
        lock (_tagsLock)
        {
            return _tags.ToArray();
        }
    }

    /// <summary>Spark's own rule for operation tags: not empty, no comma (it joins tags with commas).</summary>
    internal static void ValidateTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.Length == 0 || tag.Contains(','))
        {
            throw new ArgumentException($"A Spark operation tag must be non-empty and contain no ','; got '{tag}'.", nameof(tag));
        }
    }

    // ---------------------------------------------------------------- connect

    /// <summary>
    /// Checks that the server answers (a SparkVersion request) within <see cref="SparkSessionOptions.ConnectTimeout"/>,
    /// retrying transport failures until then (a slow network, a proxy), and returns its version; a refused connection
    /// fails at once.
    /// </summary>
    internal async Task<string> VerifyAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var timeout = Options.ConnectTimeout;
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        var deadline = Deadline(timeout);
        Exception? last = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var request = NewAnalyzeRequest();
                request.SparkVersion = new AnalyzePlanRequest.Types.SparkVersion();
                using var call = _stub.AnalyzePlanAsync(request, CallOptions(deadline, timeoutCts.Token));
                var response = await call.ResponseAsync.ConfigureAwait(false);
                ObserveServerSession(response.ServerSideSessionId);
                var version = response.SparkVersion?.Version ?? "";
                LogConnected(Logger, SessionId, Endpoint, version, Connection.UseSsl, Options.PinnedServerCertificateSha256 is not null);
                return version;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("Connecting to Spark Connect was cancelled.", e, cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && timeoutCts.IsCancellationRequested)
            {
                break; // the connect timeout expired
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
            {
                last ??= e;
                break;
            }
            catch (RpcException e) when (SparkErrors.IsConnectionRefused(e))
            {
                // Launchers wait for their server to listen before connecting, so a refusal here means nothing runs at
                // that address: say so at once instead of retrying until the connect timeout.
                LogConnectFailed(Logger, SessionId, Endpoint, "connection refused");
                throw SparkErrors.NothingListens(Connection, e);
            }
            catch (RpcException e) when (SparkErrors.IsTransportFailure(e) && !IsTls(e))
            {
                last = e;
                try
                {
                    await Task.Delay(Backoff(attempt), timeoutCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
            catch (RpcException e)
            {
                // Authentication, TLS and server errors do not get better by waiting.
                throw await TranslateAsync(e, "connect", cancellationToken).ConfigureAwait(false);
            }
        }

        var why = last is RpcException rpc ? SparkErrors.Describe(rpc) : "no answer";
        LogConnectFailed(Logger, SessionId, Endpoint, why);
        throw new SparkException(
            $"Could not reach Spark Connect at {Connection.Host}:{Connection.Port} within {timeout.TotalSeconds:0.#} s: {why}", last);
    }

    private static bool IsTls(RpcException e)
    {
        for (var x = e.Status.DebugException; x is not null; x = x.InnerException)
        {
            if (x is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- unary RPCs

    /// <summary>Runs an AnalyzePlan request; fills the header fields (session, user, client type).</summary>
    internal async Task<AnalyzePlanResponse> AnalyzeAsync(AnalyzePlanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.SessionId = SessionId;
        request.UserContext = UserContext;
        request.ClientType = ClientType;
        SetObserved(request);
        var response = await UnaryAsync("AnalyzePlan", o => _stub.AnalyzePlanAsync(request, o), cancellationToken).ConfigureAwait(false);
        ObserveServerSession(response.ServerSideSessionId);
        return response;
    }

    /// <summary>Runs a Config operation.</summary>
    internal async Task<ConfigResponse> ConfigAsync(ConfigRequest.Types.Operation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var request = new ConfigRequest { SessionId = SessionId, UserContext = UserContext, ClientType = ClientType, Operation = operation };
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }

        var response = await UnaryAsync("Config", o => _stub.ConfigAsync(request, o), cancellationToken).ConfigureAwait(false);
        ObserveServerSession(response.ServerSideSessionId);
        return response;
    }

    /// <summary>Interrupts operations (all, by tag, or by id) and returns the ids of those actually interrupted.</summary>
    internal async Task<IReadOnlyList<string>> InterruptAsync(
        InterruptRequest.Types.InterruptType type, string? value, CancellationToken cancellationToken)
    {
        var request = new InterruptRequest { SessionId = SessionId, UserContext = UserContext, ClientType = ClientType, InterruptType = type };
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }

        switch (type)
        {
            case InterruptRequest.Types.InterruptType.Tag:
                request.OperationTag = value ?? throw new ArgumentNullException(nameof(value));
                break;
            case InterruptRequest.Types.InterruptType.OperationId:
                request.OperationId = value ?? throw new ArgumentNullException(nameof(value));
                break;
        }

        var response = await UnaryAsync("Interrupt", o => _stub.InterruptAsync(request, o), cancellationToken).ConfigureAwait(false);
        ObserveServerSession(response.ServerSideSessionId);
        return response.InterruptedIds.ToArray();
    }

    /// <summary>
    /// Tells the server it may drop an operation's buffered responses up to and including
    /// <paramref name="untilResponseId"/>, or all of them (and the operation) when it is null.
    /// </summary>
    internal async Task ReleaseExecuteAsync(string operationId, string? untilResponseId, CancellationToken cancellationToken)
    {
        var request = new ReleaseExecuteRequest
        {
            SessionId = SessionId, UserContext = UserContext, ClientType = ClientType, OperationId = operationId,
        };
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }

        if (untilResponseId is null)
        {
            request.ReleaseAll = new ReleaseExecuteRequest.Types.ReleaseAll();
        }
        else
        {
            request.ReleaseUntil = new ReleaseExecuteRequest.Types.ReleaseUntil { ResponseId = untilResponseId };
        }

        await UnaryAsync("ReleaseExecute", o => _stub.ReleaseExecuteAsync(request, o), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A unary call through <see cref="CallAsync{TResponse}"/>.</summary>
    private Task<TResponse> UnaryAsync<TResponse>(
        string operation, Func<CallOptions, AsyncUnaryCall<TResponse>> invoke, CancellationToken cancellationToken) =>
        CallAsync(
            operation,
            async options =>
            {
                using var call = invoke(options);
                return await call.ResponseAsync.ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Runs a call that ends with one response (unary or client streaming) with the request timeout, retrying transport
    /// failures with backoff (<paramref name="run"/> starts the whole call again each time); any other failure becomes a
    /// <see cref="SparkException"/>.
    /// </summary>
    private async Task<TResponse> CallAsync<TResponse>(
        string operation, Func<CallOptions, Task<TResponse>> run, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var refused = new RefusalClock(Options.ServerGoneTimeout);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await run(CallOptions(Deadline(Options.RequestTimeout), cancellationToken)).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"Spark Connect {operation} was cancelled.", e, cancellationToken);
            }
            catch (RpcException e) when (SparkErrors.IsTransportFailure(e) && !IsDisposed
                                         && (attempt < Options.MaxRetries || SparkErrors.IsConnectionRefused(e)))
            {
                if (refused.Observe(e) is { } refusedFor)
                {
                    throw SparkErrors.ServerGone(Connection, operation, refusedFor, e);
                }

                // While refused, the clock decides, not the retry count: probe often so the verdict comes on time.
                await Task.Delay(refused.IsRefusing ? RefusalClock.ProbeInterval : Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw await TranslateAsync(e, operation, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // ---------------------------------------------------------------- execution

    /// <summary>
    /// Runs a plan and streams its responses, reattaching after a broken stream without re-running the query,
    /// releasing consumed responses on the server, and ending after ResultComplete. Failures become
    /// <see cref="SparkException"/>; cancelling interrupts the operation on the server and throws
    /// <see cref="OperationCanceledException"/>. Leaving the enumeration early interrupts and releases the operation.
    /// </summary>
    internal IAsyncEnumerable<ExecutePlanResponse> ExecuteAsync(Plan plan, ExecutionOptions? options, CancellationToken cancellationToken)
    {
        // Arguments are checked now, not at the first MoveNextAsync, so that mistakes surface where they are made.
        ArgumentNullException.ThrowIfNull(plan);
        ThrowIfDisposed();
        if (options?.OperationId is { } id && !Guid.TryParse(id, out _))
        {
            throw new ArgumentException($"ExecutionOptions.OperationId must be a UUID; got '{id}'.", nameof(options));
        }

        foreach (var tag in options?.Tags ?? [])
        {
            ValidateTag(tag);
        }

        return ExecuteIterator(plan, options, cancellationToken);
    }

    /// <summary>Each enumeration is its own execution (its own operation id unless the caller fixed one).</summary>
    private async IAsyncEnumerable<ExecutePlanResponse> ExecuteIterator(
        Plan plan, ExecutionOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ExecutePlanRequest
        {
            SessionId = SessionId,
            UserContext = UserContext,
            ClientType = ClientType,
            OperationId = options?.OperationId ?? Guid.NewGuid().ToString(),
            Plan = plan,
        };
        // Reattachable: the server keeps unreleased responses so that a broken stream can be resumed.
        request.RequestOptions.Add(new ExecutePlanRequest.Types.RequestOption { ReattachOptions = new ReattachOptions { Reattachable = true } });
        // A row larger than a gRPC message then still arrives, in pieces that ArrowResults puts back together.
        var chunking = new ResultChunkingOptions { AllowArrowBatchChunking = true };
        if (Options.ResultChunkSize is { } chunkSize)
        {
            chunking.PreferredArrowChunkSize = chunkSize;
        }

        request.RequestOptions.Add(new ExecutePlanRequest.Types.RequestOption { ResultChunkingOptions = chunking });
        request.Tags.Add(GetTags());
        foreach (var tag in options?.Tags ?? [])
        {
            if (!request.Tags.Contains(tag))
            {
                request.Tags.Add(tag);
            }
        }

        var execution = new ReattachableExecution(this, request, options?.Progress);
        OnOperationStarted(request);
        try
        {
            await foreach (var response in execution.RunAsync(cancellationToken).ConfigureAwait(false))
            {
                if (response.ObservedMetrics.Count > 0)
                {
                    ObservedMetricsReceived?.Invoke(response.ObservedMetrics);
                }

                yield return response;
            }
        }
        finally
        {
            OnOperationEnded(request.OperationId);
        }
    }

    /// <summary>Starts the ExecutePlan stream (no deadline: a query runs as long as it runs).</summary>
    internal AsyncServerStreamingCall<ExecutePlanResponse> StartExecute(ExecutePlanRequest request, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        SetObserved(request);
        return _stub.ExecutePlan(request, CallOptions(null, cancellationToken));
    }

    /// <summary>Resumes an operation's response stream after <paramref name="lastResponseId"/> (from the start when null).</summary>
    internal AsyncServerStreamingCall<ExecutePlanResponse> StartReattach(string operationId, string? lastResponseId, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        Interlocked.Increment(ref _reattachCount);
        var request = new ReattachExecuteRequest
        {
            SessionId = SessionId, UserContext = UserContext, ClientType = ClientType, OperationId = operationId,
        };
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }

        if (lastResponseId is not null)
        {
            request.LastResponseId = lastResponseId;
        }

        return _stub.ReattachExecute(request, CallOptions(null, cancellationToken));
    }

    // ---------------------------------------------------------------- errors and session tracking

    /// <summary>
    /// Turns a failed call into a <see cref="SparkException"/>. When Spark attached an error id, the full error
    /// (message, query contexts, cause chain, stack trace) is fetched with FetchErrorDetails; if that fails, the
    /// summary in the gRPC trailer is used.
    /// </summary>
    internal async Task<SparkException> TranslateAsync(RpcException e, string operation, CancellationToken cancellationToken)
    {
        FetchErrorDetailsResponse? details = null;
        var info = SparkErrors.GetErrorInfo(e);
        if (info is not null && info.Metadata.TryGetValue("errorId", out var errorId) && errorId.Length > 0 && !IsDisposed)
        {
            try
            {
                var request = new FetchErrorDetailsRequest
                {
                    SessionId = SessionId, UserContext = UserContext, ClientType = ClientType, ErrorId = errorId,
                };
                if (ServerSideSessionId is { } observed)
                {
                    request.ClientObservedServerSideSessionId = observed;
                }

                var timeout = Options.RequestTimeout < TimeSpan.FromSeconds(30) ? Options.RequestTimeout : TimeSpan.FromSeconds(30);
                using var call = _stub.FetchErrorDetailsAsync(request, CallOptions(Deadline(timeout), cancellationToken));
                details = await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The trailer's summary is still a useful error; the details are a bonus.
            }
        }

        var error = SparkErrors.FromRpc(e, details, Connection, operation);
        LogFailedCore(Logger, SessionId, operation, error.ErrorClass ?? e.StatusCode.ToString(), SessionToken.Redact(error.Message));
        return error;
    }

    /// <summary>
    /// Records the server's session id from a response, and raises "session lost" when it differs from the one seen
    /// before: the server restarted or replaced the session, and everything in the old one is gone.
    /// </summary>
    internal void ObserveServerSession(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        var known = Interlocked.CompareExchange(ref _serverSideSessionId, id, null);
        if (known is not null && !string.Equals(known, id, StringComparison.Ordinal))
        {
            throw SparkErrors.SessionChanged(known, id);
        }
    }

    private AnalyzePlanRequest NewAnalyzeRequest()
    {
        var request = new AnalyzePlanRequest { SessionId = SessionId, UserContext = UserContext, ClientType = ClientType };
        SetObserved(request);
        return request;
    }

    private void SetObserved(AnalyzePlanRequest request)
    {
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }
    }

    private void SetObserved(ExecutePlanRequest request)
    {
        if (ServerSideSessionId is { } observed)
        {
            request.ClientObservedServerSideSessionId = observed;
        }
    }

    /// <summary>Call options with the bearer token (on every call, so a reconnect never forgets it).</summary>
    private CallOptions CallOptions(DateTime? deadline, CancellationToken cancellationToken)
    {
        Metadata? headers = null;
        if (Connection.Token is { } token)
        {
            headers = new Metadata { { "authorization", "Bearer " + token } };
        }

        return new CallOptions(headers, deadline, cancellationToken);
    }

    private static DateTime? Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? null : DateTime.UtcNow + timeout;

    /// <summary>Exponential backoff with jitter, so that many clients recovering at once do not retry in lockstep.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var baseMs = Options.InitialRetryBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var capped = Math.Min(baseMs, Options.MaxRetryBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    private static string BuildClientType(string? userAgent)
    {
        var os = OperatingSystem.IsWindows() ? "windows"
            : OperatingSystem.IsMacOS() ? "darwin"
            : OperatingSystem.IsLinux() ? "linux"
            : RuntimeInformation.OSDescription.Split(' ')[0].ToLowerInvariant();
        var own = $"InteractiveSpark/{LibraryVersion} dotnet/{Environment.Version} os/{os}";
        return string.IsNullOrWhiteSpace(userAgent) ? own : $"{userAgent.Trim()} {own}";
    }

    private static string GetLibraryVersion()
    {
        var assembly = typeof(SparkConnectClient).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? assembly.GetName().Version?.ToString()
                      ?? "0.0.0";
        var plus = version.IndexOf('+');
        return plus < 0 ? version : version[..plus];
    }

    // ---------------------------------------------------------------- dispose

    /// <summary>
    /// Releases the session on the server (its views, caches and running operations go with it), bounded by
    /// <see cref="SparkSessionOptions.CloseTimeout"/>, then closes the channel. Never throws: a server that is gone
    /// has nothing left to release.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // A server that never answered (no server-side session id seen) holds no session of ours, or expires it:
        // releasing it would only wait out the close timeout after a connect that already failed.
        if (Volatile.Read(ref _serverSideSessionId) is null)
        {
            _channel.Dispose();
            LogClosed(Logger, SessionId);
            return;
        }

        try
        {
            using var cts = new CancellationTokenSource(Options.CloseTimeout);
            var request = new ReleaseSessionRequest { SessionId = SessionId, UserContext = UserContext, ClientType = ClientType };
            using var call = _stub.ReleaseSessionAsync(request, CallOptions(Deadline(Options.CloseTimeout), cts.Token));
            await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or HttpRequestException or IOException or InvalidOperationException)
        {
            // Best effort: the server expires an abandoned session by itself.
        }

        _channel.Dispose();
        LogClosed(Logger, SessionId);
    }
}
