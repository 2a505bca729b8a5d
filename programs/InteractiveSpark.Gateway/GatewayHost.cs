using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The gateway: one TLS port (HTTP/2 for gRPC, HTTP/1.1 too for browsers) in front of a Spark Connect server on
/// loopback. Build it with <see cref="Create"/>, start it, and wait for <see cref="Completion"/> (it ends when the
/// idle timer fires, Spark dies, or someone stops it).
/// </summary>
public sealed partial class GatewayHost : IAsyncDisposable
{
    private const string SparkRoute = "spark";
    private const string UiRoute = "ui";

    /// <summary>The header Spark's UIs check (the driver image's <c>org.interactivespark.UiSecretFilter</c>).</summary>
    internal const string UiSecretHeader = "X-Ispark-Ui-Secret";
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly GatewayConsole _console;
    private readonly Serilog.Core.Logger _serilog;
    private Task<int>? _completion;

    private GatewayHost(WebApplication app, X509Certificate2 certificate, GatewayConsole console, Serilog.Core.Logger serilog, GatewayOptions options)
    {
        _app = app;
        _certificate = certificate;
        _console = console;
        _serilog = serilog;
        Options = options;
    }

    /// <summary>The options the gateway runs with.</summary>
    public GatewayOptions Options { get; }

    /// <summary>The TLS certificate's SHA-256 fingerprint (64 upper-case hex digits): what clients pin.</summary>
    public string CertificateSha256 => GatewayCertificate.Fingerprint(_certificate);

    /// <summary>The port the gateway listens on (known after <see cref="StartAsync"/>; useful with port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Ends with the process exit code once the gateway has stopped: 0 when stopped or idle, 1 when Spark failed.</summary>
    public Task<int> Completion => _completion ?? throw new InvalidOperationException("The gateway has not been started.");

    internal ActivityTracker Activity => _app.Services.GetRequiredService<ActivityTracker>();

    internal GatewayState State => _app.Services.GetRequiredService<GatewayState>();

    internal SparkUpstream Upstream => _app.Services.GetRequiredService<SparkUpstream>();

    /// <summary>Parses the command line and environment, runs the gateway until it stops, and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (GatewayOptions.AsksForHelp(args))
        {
            GatewayOptions.WriteHelp(Console.Out);
            return 0;
        }

        GatewayOptions options;
        try
        {
            options = GatewayOptions.Parse(args);
        }
        catch (GatewayConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"ispark-gateway: {e.Message} (ispark-gateway --help lists the options)").ConfigureAwait(false);
            return 2;
        }

        // Spark first: its JVM takes seconds to start, the gateway's own start (runtime, host, certificate) overlaps them.
        var spark = new SparkProcess(options);
        try
        {
            spark.Start();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Reported by the upstream once the log runs (it tries again and says why).
        }

        var host = CreateWith(options, Console.Out, Console.Error, spark);
        await using (host.ConfigureAwait(false))
        {
            try
            {
                await host.StartAsync().ConfigureAwait(false);
            }
            catch
            {
                spark.KillIfRunning();
                throw;
            }

            return await host.Completion.ConfigureAwait(false);
        }
    }

    /// <summary>Builds a gateway (nothing listens yet). <paramref name="output"/> gets the JSON log lines and the certificate line; <paramref name="sparkOutput"/> Spark's own output.</summary>
    public static GatewayHost Create(GatewayOptions options, TextWriter? output = null, TextWriter? sparkOutput = null) =>
        CreateWith(options, output, sparkOutput, new SparkProcess(options));

    private static GatewayHost CreateWith(GatewayOptions options, TextWriter? output, TextWriter? sparkOutput, SparkProcess spark)
    {
        ArgumentNullException.ThrowIfNull(options);
        var console = new GatewayConsole(output ?? Console.Out, sparkOutput ?? Console.Error);
        var certificate = GatewayCertificate.Create(options.HostNames);
        var serilog = CreateLogger(options, console.Out);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddSerilog(serilog, dispose: false);
        // Nothing the gateway does needs keys that outlive it: never write them to disk.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.SparkStopTimeout + TimeSpan.FromSeconds(10));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Spark Connect keeps one HTTP/2 connection for a whole notebook session: do not drop it between cells.
            // Connections that have not authenticated are bounded apart (PreAuthConnections).
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromHours(1);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.Http2.MaxStreamsPerConnection = 256;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 2 * 1024 * 1024;
            kestrel.Listen(options.BindAddress, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                // Before TLS: a connection over the unauthenticated limit costs no handshake.
                listen.Use(next => listen.ApplicationServices.GetRequiredService<PreAuthConnections>().Middleware(next));
                listen.UseHttps(certificate, https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
            });
        });

        var state = new GatewayState(GatewayCertificate.Fingerprint(certificate));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(console);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton<ActivityTracker>();
        builder.Services.AddSingleton(new TokenGuard(options.TokenSha256));
        builder.Services.AddSingleton<RefusalLog>();
        builder.Services.AddSingleton<PreAuthConnections>();
        builder.Services.AddSessionTokenAuthentication();
        builder.Services.AddSingleton(spark);
        builder.Services.AddSingleton<SparkUpstream>();
        builder.Services.AddHostedService<IdleWatcher>();
        builder.Services.AddSingleton<ConfigFilter>();
        builder.Services.AddSingleton<LogEndpoints>();
        builder.Services.AddSingleton<WorkerLogs>();
        if (options.SessionFilesDir is not null)
        {
            // Receive mode: no Spark yet; the launcher's PUT /session/files ends this gateway.
            builder.Services.AddSingleton<SessionFilesEndpoint>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionFilesEndpoint>());
        }
        else if (options.JobDir is null)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SparkUpstream>());
            AddProxy(builder.Services, options);
        }
        else
        {
            // Job mode: no Spark behind the gateway; ready to take a notebook as soon as it listens.
            builder.Services.AddSingleton<JobEndpoints>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<JobEndpoints>());
            state.SetReady(true, null);
        }

        var app = builder.Build();
        var host = new GatewayHost(app, certificate, console, serilog, options);
        host.MapEndpoints();
        return host;
    }

    /// <summary>Starts listening and starts (or finds) Spark; prints <c>gateway-certificate-sha256: HEX</c> on the output.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var logger = _app.Services.GetRequiredService<ILogger<GatewayHost>>();
        try
        {
            await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (State.Failure is not null && !cancellationToken.IsCancellationRequested)
        {
            // Spark failed while the gateway was still starting (a command that exits at once): stop, and say so.
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            LogStopped(logger, State.StopReason ?? State.Failure, State.ExitCode);
            _completion = Task.FromResult(State.ExitCode);
            return;
        }

        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Port = addresses.Select(a => new Uri(a.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)).Port)
            .FirstOrDefault(Options.Port);
        // The line a launcher reads (docker logs, Marathon's stdout) to pin the certificate: a public fact, not a secret.
        await _console.Out.WriteLineAsync("gateway-certificate-sha256: " + CertificateSha256).ConfigureAwait(false);
        await _console.Out.WriteLineAsync("gateway-port: " + Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        LogListening(logger, Port, CertificateSha256,
            Options.SessionFilesDir is not null ? "receive-session-files" : Options.JobDir is not null ? "job" : Options.SparkCommand is null ? "proxy" : "spark-command",
            Options.IdleTimeout == Timeout.InfiniteTimeSpan ? "never" : Options.IdleTimeout.ToString());
        _completion = WaitAsync(logger);
    }

    private async Task<int> WaitAsync(ILogger logger)
    {
        await _app.WaitForShutdownAsync().ConfigureAwait(false);
        var state = State;
        LogStopped(logger, state.StopReason ?? "stopped", state.ExitCode);
        return state.ExitCode;
    }

    /// <summary>Stops the gateway and Spark (as SIGTERM would).</summary>
    public async Task StopAsync()
    {
        State.StopReason ??= "stop requested";
        _app.Lifetime.StopApplication();
        if (_completion is not null)
        {
            await _completion.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_completion is not null && !_completion.IsCompleted)
        {
            await StopAsync().ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        await _serilog.DisposeAsync().ConfigureAwait(false);
        _certificate.Dispose();
    }

    private static Serilog.Core.Logger CreateLogger(GatewayOptions options, TextWriter output)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            // ASP.NET Core's request logs carry full URLs (/login?token=...): keep them out.
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            // Its base class logs every challenge; refusals are logged by RefusalLog, bounded.
            .MinimumLevel.Override(typeof(SessionTokenAuthenticationHandler).FullName!, LogEventLevel.Warning)
            .Enrich.WithProperty("SessionId", options.SessionId)
            .Enrich.FromLogContext()
            .Enrich.With<RequestPathRemover>()
            .WriteTo.Sink(new TextWriterSink(output, new CompactJsonFormatter(), ownsWriter: false));
        if (options.LogFile is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var writer = new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
            config = config.WriteTo.Sink(new TextWriterSink(writer, new CompactJsonFormatter(), ownsWriter: true));
        }

        return config.CreateLogger();
    }

    private static void AddProxy(IServiceCollection services, GatewayOptions options)
    {
        var routes = new List<RouteConfig>
        {
            new() { RouteId = SparkRoute, ClusterId = SparkRoute, Match = new RouteMatch { Path = "/spark.connect.SparkConnectService/{**rest}" } },
        };
        var clusters = new List<ClusterConfig>
        {
            new()
            {
                ClusterId = SparkRoute,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["spark"] = new() { Address = $"http://127.0.0.1:{options.SparkPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}/" },
                },
                // gRPC to Spark over cleartext HTTP/2 (prior knowledge) on loopback; a query's stream may stay silent for long.
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
                {
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    ActivityTimeout = TimeSpan.FromDays(1),
                },
            },
        };
        if (options.SparkUiPort is { } uiPort)
        {
            routes.Add(new RouteConfig
            {
                RouteId = UiRoute,
                ClusterId = UiRoute,
                Match = new RouteMatch { Path = "/ui/{**rest}" },
                Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = "/ui" }],
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = UiRoute,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["ui"] = new() { Address = $"http://127.0.0.1:{uiPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}/" },
                },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact },
            });
        }

        services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .ConfigureHttpClient((_, handler) =>
            {
                handler.EnableMultipleHttp2Connections = true;
                handler.InitialHttp2StreamWindowSize = 4 * 1024 * 1024;
            })
            .AddTransforms(context =>
            {
                var upstream = context.Services.GetRequiredService<SparkUpstream>();
                if (context.Route.RouteId == SparkRoute)
                {
                    context.UseDefaultForwarders = false; // no X-Forwarded-*: Spark Connect has no use for them
                    context.AddRequestTransform(t =>
                    {
                        // The session token stops here; Spark Connect gets the internal one.
                        var headers = t.ProxyRequest.Headers;
                        headers.Remove("Authorization");
                        headers.Remove("Cookie");
                        if (upstream.InternalToken is { } token)
                        {
                            headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
                        }

                        return ValueTask.CompletedTask;
                    });
                }
                else if (context.Route.RouteId == UiRoute)
                {
                    context.AddRequestTransform(t =>
                    {
                        var headers = t.ProxyRequest.Headers;
                        headers.Remove("Authorization");
                        headers.Remove("Cookie");
                        // Spark's UI builds its links from this header (UIUtils.uiRoot, the Knox convention).
                        headers.TryAddWithoutValidation("X-Forwarded-Context", "/ui");
                        if (ExecutorLogLinks.Carries(t.HttpContext.Request.Path))
                        {
                            headers.Remove("Accept-Encoding"); // the answer is rewritten below: plain text
                        }

                        if (options.UiSecret is { } uiSecret)
                        {
                            headers.TryAddWithoutValidation(UiSecretHeader, uiSecret);
                        }

                        return ValueTask.CompletedTask;
                    });
                    context.AddResponseTransform(async t =>
                    {
                        if (t.ProxyResponse?.Headers.Location is { } location)
                        {
                            t.HttpContext.Response.Headers.Location = RewriteUiLocation(location);
                        }

                        if (t.ProxyResponse is { IsSuccessStatusCode: true } answer && ExecutorLogLinks.Carries(t.HttpContext.Request.Path))
                        {
                            var json = await answer.Content.ReadAsStringAsync(t.HttpContext.RequestAborted).ConfigureAwait(false);
                            var body = System.Text.Encoding.UTF8.GetBytes(ExecutorLogLinks.Rewrite(json));
                            t.SuppressResponseBody = true;
                            t.HttpContext.Response.ContentLength = body.Length;
                            await t.HttpContext.Response.Body.WriteAsync(body, t.HttpContext.RequestAborted).ConfigureAwait(false);
                        }
                    });
                }
            });
    }

    /// <summary>Spark's redirects name its own loopback address or a path from its root; both move under /ui/.</summary>
    internal static string RewriteUiLocation(Uri location)
    {
        var path = location.IsAbsoluteUri ? location.PathAndQuery + location.Fragment : location.OriginalString;
        if (!path.StartsWith('/'))
        {
            return path; // relative to the current page: already right
        }

        return path.StartsWith("/ui/", StringComparison.Ordinal) || path == "/ui" ? path : "/ui" + path;
    }

    private void MapEndpoints()
    {
        var app = _app;
        var logger = app.Services.GetRequiredService<ILogger<GatewayHost>>();
        var guard = app.Services.GetRequiredService<TokenGuard>();
        var refusals = app.Services.GetRequiredService<RefusalLog>();
        var activity = app.Services.GetRequiredService<ActivityTracker>();
        var state = app.Services.GetRequiredService<GatewayState>();
        var options = Options;

        var connections = app.Services.GetRequiredService<PreAuthConnections>();
        app.Use(connections.TrackAsync);
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        // Only authenticated requests get here (the fallback policy of SessionTokenAuthentication), and /health and GET /login.
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path == "/health" || path == "/login")
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            var grpc = GrpcWire.IsGrpc(context.Request);
            if (path.Value == "/ui")
            {
                context.Response.Redirect("/ui/");
                return;
            }

            var method = grpc ? GrpcWire.SparkMethod(path) : null;
            activity.Enter(context, method);
            try
            {
                if (grpc && !state.Ready)
                {
                    await GrpcWire.WriteStatusAsync(context, StatusCode.Unavailable,
                        state.Failure is { } failure ? $"Spark is not available: {failure}." : "Spark is not ready yet (starting or stopping); retry in a few seconds.")
                        .ConfigureAwait(false);
                    return;
                }

                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await next(context).ConfigureAwait(false);
                // Job mode's polls (status, log, twice a second) would drown the task's output: not logged.
                if (!grpc && !path.StartsWithSegments("/job/status") && !path.StartsWithSegments("/job/log"))
                {
                    LogRequest(logger, context.Request.Method, path.Value ?? "", context.Response.StatusCode,
                        System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
            finally
            {
                activity.Exit(context);
            }
        });

        app.MapGet("/health", async (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";

            // ?wait=S (at most 30): answer once Spark is ready or failed, or after S seconds. A launcher waits with one
            // request instead of polling: polling every 100 ms for Spark's start cost both ends CPU the JVM needed.
            if (!state.Ready && state.Failure is null && options.SessionFilesDir is null && HealthWait(context.Request.Query["wait"].ToString()) is { } wait)
            {
                try
                {
                    await state.Settled.WaitAsync(wait, context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                {
                    // Not ready yet, or the caller left: answer with the state as it is.
                }
            }

            var challenge = context.Request.Query["pin-challenge"].ToString();
            return Results.Json(new HealthReport(
                state.Ready ? "ready" : state.Failure is not null ? "failed"
                    : options.SessionFilesDir is not null ? (state.StopReason is not null ? SessionFilesEndpoint.ReceivedStatus : SessionFilesEndpoint.AwaitingStatus)
                    : state.StopReason is not null ? "stopping" : "starting",
                state.Ready,
                state.SparkVersion,
                Math.Round(state.Uptime.TotalSeconds, 1),
                state.CertificateSha256,
                options.SessionId,
                options.IdleTimeout == Timeout.InfiniteTimeSpan ? null : options.IdleTimeout.TotalSeconds,
                Math.Round(activity.SinceLastActivity.TotalSeconds, 1),
                activity.Active,
                challenge.Length is > 0 and <= 128 ? PinProof.Compute(options.TokenSha256, challenge, state.CertificateSha256) : null), HealthJson.Default.HealthReport);
        }).AllowAnonymous();

        static TimeSpan? HealthWait(string value) =>
            double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(Math.Min(seconds, 30))
                : null;

        app.MapGet("/login", (HttpContext context) =>
        {
            var query = context.Request.Query;
            var token = query["token"].ToString();
            var ticket = query["ticket"].ToString();
            var ok = (token.Length > 0 && guard.IsSessionToken(token)) || (ticket.Length > 0 && guard.RedeemTicket(ticket));
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers.CacheControl = "no-store";
            if (!ok)
            {
                refusals.Refused(context, token.Length > 0 ? "wrong session token" : ticket.Length > 0 ? "unknown or used ticket" : "no session token");
                return Results.Text("401 Unauthorized: this login link is wrong, expired or already used. Ask the notebook for a new one (#!spark-ui).\n", statusCode: 401);
            }

            context.Response.Cookies.Append(TokenGuard.CookieName, guard.IssueCookie(), new CookieOptions
            {
                HttpOnly = true,
                Secure = true,
                SameSite = SameSiteMode.Lax, // Strict would drop it on the redirect that follows a link from the notebook
                Path = "/",
                IsEssential = true,
            });
            var next = query["next"].ToString();
            if (!next.StartsWith('/') || next.StartsWith("//", StringComparison.Ordinal) || next.Contains('\\', StringComparison.Ordinal))
            {
                next = "/ui/";
            }

            LogLogin(logger, ticket.Length > 0 ? "ticket" : "token");
            return Results.Redirect(next);
        }).AllowAnonymous();

        app.MapPost("/login/ticket", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var ticket = guard.IssueTicket();
            return Results.Json(new LoginTicket("/login?ticket=" + ticket, 120), HealthJson.Default.LoginTicket);
        });

        if (options.SparkUiPort is null)
        {
            app.Map("/ui/{**rest}", () => Results.Text("This gateway's Spark runs without its UI (spark.ui.enabled=false).\n", statusCode: 404));
        }

        var logs = app.Services.GetRequiredService<LogEndpoints>();
        app.MapGet("/logs/driver", logs.DriverAsync);
        app.MapGet("/logs/executor", logs.ExecutorListAsync);
        app.MapGet("/logs/executor/{id}", (HttpContext context, string id) => logs.ExecutorAsync(context, id));

        if (options.SessionFilesDir is not null)
        {
            app.MapPut("/session/files", (Delegate)app.Services.GetRequiredService<SessionFilesEndpoint>().PutAsync);
            return;
        }

        if (options.JobDir is not null)
        {
            var job = app.Services.GetRequiredService<JobEndpoints>();
            app.MapPost("/job/start", (Delegate)job.StartJobAsync);
            app.MapGet("/job/status", job.Status);
            app.MapGet("/job/log", job.LogAsync);
            app.MapGet("/job/files", job.Files);
            app.MapGet("/job/files/{name}", (string name) => job.OutputFile(name));
            return;
        }

        var config = app.Services.GetRequiredService<ConfigFilter>();
        app.MapPost("/spark.connect.SparkConnectService/Config", config.HandleAsync);
        app.MapReverseProxy();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on port {Port} (TLS, certificate SHA-256 {CertificateSha256}); mode {Mode}; idle timeout {IdleTimeout}")]
    private static partial void LogListening(ILogger logger, int port, string certificateSha256, string mode, string idleTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway stopped ({Reason}); exit code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, string reason, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} -> {StatusCode} in {Milliseconds:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Browser login with a {Credential}: cookie issued")]
    private static partial void LogLogin(ILogger logger, string credential);
}

/// <summary>What /health answers: nothing secret.</summary>
internal sealed record HealthReport(
    string Status, bool Ready, string? SparkVersion, double UptimeSeconds, string CertificateSha256, string SessionId,
    double? IdleTimeoutSeconds, double IdleSeconds, long ActiveRequests, string? PinProof);

/// <summary>What POST /login/ticket answers.</summary>
internal sealed record LoginTicket(string Path, int ExpiresInSeconds);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
[System.Text.Json.Serialization.JsonSerializable(typeof(LoginTicket))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
