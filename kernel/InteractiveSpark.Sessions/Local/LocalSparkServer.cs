using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using InteractiveSpark.Core;
using InteractiveSpark.SparkConnect;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InteractiveSpark.Sessions.Local;

/// <summary>Options for <see cref="LocalSparkServer"/>.</summary>
public sealed partial record LocalSparkServerOptions
{
    /// <summary>The Spark home; null resolves it with <see cref="SparkHome.Resolve"/>.</summary>
    public string? SparkHome { get; init; }

    /// <summary>The Spark master, <c>local[2]</c> unless set.</summary>
    public string Master { get; init; } = "local[2]";

    /// <summary>The gRPC port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The Spark UI port; 0 picks a free one, null turns the UI off.</summary>
    public int? UiPort { get; init; } = 0;

    /// <summary>The driver's JVM heap, e.g. <c>2g</c>.</summary>
    public string DriverMemory { get; init; } = "2g";

    /// <summary>Extra Spark settings (<c>--conf k=v</c>).</summary>
    public IReadOnlyDictionary<string, string> Conf { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to wait for the server to say it is ready.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Whether the server requires a token (a fresh random one, passed through the environment, never the command line).</summary>
    public bool RequireToken { get; init; } = true;

    /// <summary>
    /// The server's working folder: managed tables (<c>spark-warehouse/</c>) and the local metastore land here.
    /// Null makes a fresh temporary folder, removed when the server stops.
    /// </summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The process whose death stops the server; this process unless a test says otherwise.</summary>
    internal int? OwnerProcessId { get; init; }

    /// <summary>
    /// Whether the server outlives its owner (<c>--keep-alive</c>): when the owner dies it waits for another process to
    /// take it over (an attach writes its process id into <see cref="LeaseFile"/>) and stops itself only after
    /// <see cref="IdleTimeout"/> with no owner and no Spark job running. Off by default: a local driver ends with its kernel.
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary>With <see cref="KeepAlive"/>: how long the server waits without an owner (and with no job running) before it stops. Default 10 minutes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// With <see cref="KeepAlive"/>: the file holding the process id of the server's current owner (written at start,
    /// rewritten by whoever attaches). Null puts one in the session records' folder.
    /// </summary>
    public string? LeaseFile { get; init; }

    /// <summary>Where the server's log goes; null keeps only the last lines in memory.</summary>
    public string? LogFile { get; init; }

    /// <summary>Where the launcher logs start, readiness and stop (the product log); null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>
/// A Spark Connect server running as a local process (client mode, the driver on this machine), bound to loopback,
/// guarded by a per-server token. Disposing it stops the process.
/// </summary>
public sealed partial class LocalSparkServer : IAsyncDisposable
{
    private const string ReadyLine = "Spark Connect server started at";
    private readonly Process _process;
    private readonly LogTail _log;

    private readonly string? _ownedWorkDir;
    private readonly ILogger _logger;
    private volatile bool _stopping;

    private LocalSparkServer(Process process, LogTail log, SparkConnectionString connectionString, int? uiPort, string? ownedWorkDir, ILogger logger)
    {
        _process = process;
        _logger = logger;
        _ownedWorkDir = ownedWorkDir;
        _log = log;
        ConnectionString = connectionString;
        UiPort = uiPort;
    }

    /// <summary>How to reach the server, with its token (its <c>ToString</c> hides the token).</summary>
    public SparkConnectionString ConnectionString { get; }

    /// <summary>The Spark UI's port on localhost, or null when the UI is off.</summary>
    public int? UiPort { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>With keep-alive: the file naming the server's current owner process; else null.</summary>
    public string? LeaseFile { get; private init; }

    /// <summary>The server's working folder (kept after a keep-alive server's owner dies: the server still uses it).</summary>
    public string WorkingDirectory { get; private init; } = "";

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the server logged (up to 10,000).</summary>
    public IReadOnlyList<string> RecentLog => _log.Lines;

    /// <summary>How many lines the server has logged since it started, and the last ones kept (for follow).</summary>
    internal (long Total, string[] Lines) LogSnapshot() => _log.Snapshot();

    /// <summary>Starts a server and waits until it accepts connections; throws with its last log lines when it does not.</summary>
    public static async Task<LocalSparkServer> StartAsync(LocalSparkServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalSparkServerOptions();
        var home = SparkHome.Resolve(options.SparkHome);
        var port = options.Port == 0 ? FreePort() : options.Port;
        int? uiPort = options.UiPort is null ? null : options.UiPort == 0 ? FreePort() : options.UiPort;
        var token = options.RequireToken ? SessionToken.New() : null;

        var psi = new ProcessStartInfo(OperatingSystem.IsWindows() ? JavaExecutable() : "/bin/sh")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var ownsWorkDir = options.WorkingDirectory is null;
        var workDir = options.WorkingDirectory ?? Directory.CreateTempSubdirectory("ispark-local-").FullName;
        psi.WorkingDirectory = workDir;
        var owner = (options.OwnerProcessId ?? Environment.ProcessId).ToString(CultureInfo.InvariantCulture);
        string? leaseFile = null;
        if (!OperatingSystem.IsWindows() && options.KeepAlive)
        {
            // The watchdog follows whoever holds the lease, so a kernel that attaches later keeps the driver alive.
            leaseFile = LocalLease.Create(options.LeaseFile, owner);
            if (File.Exists("/usr/bin/setsid"))
            {
                // A session of its own: Jupyter kills a dead or restarted kernel's whole process group, which would take the
                // server with it. setsid execs in place (the child is no group leader), so the process id stays the watchdog's.
                psi.FileName = "/usr/bin/setsid";
                psi.ArgumentList.Add("/bin/sh");
            }

            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(LeaseWatchdog);
            psi.ArgumentList.Add("ispark-local-spark");
            psi.ArgumentList.Add(leaseFile);
            psi.ArgumentList.Add(Math.Max(1, (long)options.IdleTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(uiPort?.ToString(CultureInfo.InvariantCulture) ?? "0");
            psi.ArgumentList.Add(ownsWorkDir ? workDir : "");
            psi.ArgumentList.Add(JavaExecutable());
        }
        else if (!OperatingSystem.IsWindows())
        {
            // A watchdog shell owns the JVM: it forwards SIGTERM, and stops Spark when this process dies without
            // disposing the server (a notebook kernel killed with SIGKILL), so that no driver outlives its owner.
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(ParentWatchdog);
            psi.ArgumentList.Add("ispark-local-spark");
            psi.ArgumentList.Add(owner);
            psi.ArgumentList.Add(JavaExecutable());
        }

        psi.ArgumentList.Add($"-Xmx{options.DriverMemory}");
        foreach (var flag in JavaFlags)
        {
            psi.ArgumentList.Add(flag);
        }

        var confDir = Path.Combine(home, "conf");
        if (File.Exists(Path.Combine(confDir, "log4j2.properties")))
        {
            psi.ArgumentList.Add($"-Dlog4j.configurationFile={Path.Combine(confDir, "log4j2.properties")}");
        }

        psi.ArgumentList.Add("-cp");
        psi.ArgumentList.Add(Path.Combine(home, "jars", "*"));
        psi.ArgumentList.Add("org.apache.spark.deploy.SparkSubmit");
        psi.ArgumentList.Add("--class");
        psi.ArgumentList.Add("org.apache.spark.sql.connect.service.SparkConnectServer");
        psi.ArgumentList.Add("--master");
        psi.ArgumentList.Add(options.Master);
        var conf = new Dictionary<string, string>(options.Conf)
        {
            ["spark.connect.grpc.binding.address"] = "127.0.0.1",
            ["spark.connect.grpc.binding.port"] = port.ToString(CultureInfo.InvariantCulture),
        };
        if (uiPort is null)
        {
            conf["spark.ui.enabled"] = "false";
        }
        else
        {
            conf["spark.ui.port"] = uiPort.Value.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in conf)
        {
            psi.ArgumentList.Add("--conf");
            psi.ArgumentList.Add($"{key}={value}");
        }

        psi.ArgumentList.Add("spark-internal");
        psi.Environment["SPARK_HOME"] = home;
        psi.Environment["SPARK_SCALA_VERSION"] = "2.13";
        psi.Environment["SPARK_LOCAL_IP"] = "127.0.0.1";
        // The token goes through the environment: Spark then keeps it out of its conf (the Config RPC would return it).
        psi.Environment.Remove("SPARK_CONNECT_AUTHENTICATE_TOKEN");
        if (token is not null)
        {
            psi.Environment["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = token;
        }

        var log = new LogTail(10_000, options.LogFile);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            log.Add(e.Data);
            if (e.Data.Contains(ReadyLine, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.ErrorDataReceived += OnLine;
        process.OutputDataReceived += OnLine;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("exited"));
        var logger = options.LoggerFactory?.CreateLogger("InteractiveSpark.Sessions.Local") ?? NullLogger.Instance;
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"Could not start {psi.FileName}.");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // Java missing or not executable, or a command line the OS refuses (too long): say which, plainly.
            LogStartFailed(logger, port, e.Message);
            throw new InvalidOperationException($"Could not start the local Spark Connect server ({psi.FileName}): {e.Message}", e);
        }

        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var started = Stopwatch.StartNew();
        LogStarting(logger, home, options.Master, port, uiPort, process.Id);
        var server = new LocalSparkServer(
            process,
            log,
            new SparkConnectionString { Host = "localhost", Port = port, Token = token },
            uiPort,
            ownsWorkDir && !options.KeepAlive ? workDir : null,
            logger)
        {
            LeaseFile = leaseFile,
            WorkingDirectory = workDir,
        };
        process.Exited += (_, _) => server.OnExited();
        try
        {
            await ready.Task.WaitAsync(options.StartupTimeout, cancellationToken).ConfigureAwait(false);
            LogReady(logger, port, started.Elapsed.TotalSeconds);
            return server;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            var exited = process.HasExited ? $"exited with code {process.ExitCode}" : $"did not become ready within {options.StartupTimeout.TotalSeconds:0} s";
            LogStartFailed(logger, port, exited);
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The local Spark Connect server (Spark home {home}, port {port}) {exited}. Its last log lines:{Environment.NewLine}"
                + string.Join(Environment.NewLine, log.Lines.TakeLast(20)));
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void OnExited()
    {
        if (!_stopping)
        {
            // Nobody asked it to stop: the JVM crashed, ran out of memory or was killed. Say so where an operator looks.
            LogExitedUnexpectedly(_logger, ConnectionString.Port, SafeExitCode(), string.Join(" | ", _log.Lines.TakeLast(3)));
        }
    }

    private int SafeExitCode()
    {
        try
        {
            return _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>Stops the server: SIGTERM, then a kill after 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _stopping = true;
                LogStopping(_logger, ConnectionString.Port, _process.Id);
                if (OperatingSystem.IsWindows() || SendSigterm(_process.Id) != 0)
                {
                    _process.Kill(entireProcessTree: true);
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The process never started or is already gone: nothing to stop.
        }
        finally
        {
            _process.Dispose();
            _log.Dispose();
            if (_ownedWorkDir is not null)
            {
                try
                {
                    Directory.Delete(_ownedWorkDir, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: a file still held open stays in the temp folder.
                }
            }
        }
    }

    // Spark's own launcher adds these on Java 17+ (see the engines' lib.sh and Spark's JavaModuleOptions).
    private static readonly string[] JavaFlags =
    [
        "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
        "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true",
    ];

    // $1 is the owner's pid, the rest the java command. The JVM runs in the background so the shell can watch both.
    private const string ParentWatchdog = """
        owner=$1; shift
        "$@" </dev/null &
        child=$!
        trap 'kill -TERM $child 2>/dev/null; wait $child; exit $?' TERM INT
        while kill -0 "$owner" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
        kill -TERM $child 2>/dev/null
        wait $child
        """;

    // $1 the lease file (the owner's pid), $2 the idle timeout in seconds, $3 the UI port (0: none), $4 a working folder
    // to remove at the end (empty: none), the rest the java command. While the lease's process lives, or Spark runs a
    // job (asked of its UI's REST API when curl is there), the idle clock restarts; once it reaches the timeout the JVM
    // is stopped and the lease (and the folder) removed.
    private const string LeaseWatchdog = """
        lease=$1; idle_timeout=$2; ui=$3; workdir=$4; shift 4
        "$@" </dev/null &
        child=$!
        cleanup() { rm -f "$lease"; [ -n "$workdir" ] && rm -rf "$workdir"; }
        trap 'kill -TERM $child 2>/dev/null; wait $child; rc=$?; cleanup; exit $rc' TERM INT
        busy() {
          [ "$ui" != 0 ] && command -v curl >/dev/null 2>&1 || return 1
          app=$(curl -s -m 2 "http://127.0.0.1:$ui/api/v1/applications" | sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p' | head -n 1)
          [ -n "$app" ] && curl -s -m 2 "http://127.0.0.1:$ui/api/v1/applications/$app/jobs?status=running" | grep -q '"jobId"'
        }
        last=$(date +%s)
        while kill -0 $child 2>/dev/null; do
          owner=$(cat "$lease" 2>/dev/null)
          if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then last=$(date +%s)
          elif busy; then last=$(date +%s)
          elif [ $(( $(date +%s) - last )) -ge "$idle_timeout" ]; then break; fi
          sleep 1
        done
        kill -TERM $child 2>/dev/null
        wait $child
        rc=$?
        cleanup
        exit $rc
        """;

    private static string JavaExecutable()
    {
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        var name = OperatingSystem.IsWindows() ? "java.exe" : "java";
        if (!string.IsNullOrEmpty(javaHome) && File.Exists(Path.Combine(javaHome, "bin", name)))
        {
            return Path.Combine(javaHome, "bin", name);
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException("No java found: install a JDK or JRE 17 or newer, or set JAVA_HOME.");
    }

    /// <summary>A port that is free on loopback right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // .NET's Process.Kill sends SIGKILL; SIGTERM lets Spark run its shutdown hooks (and delete its temp folders).
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static int SendSigterm(int pid) => SendSignal(pid, 15);

    /// <summary>The last lines of the server's log, optionally also written to a file.</summary>
    private sealed class LogTail(int capacity, string? file) : IDisposable
    {
        private readonly Queue<string> _lines = new();
        private long _total;
        private readonly StreamWriter? _writer = file is null ? null : new StreamWriter(file, append: true) { AutoFlush = true };

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return _lines.ToArray();
                }
            }
        }

        public (long Total, string[] Lines) Snapshot()
        {
            lock (_lines)
            {
                return (_total, _lines.ToArray());
            }
        }

        public void Add(string line)
        {
            lock (_lines)
            {
                _total++;
                _lines.Enqueue(line);
                while (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }

                _writer?.WriteLine(line);
            }
        }

        public void Dispose()
        {
            lock (_lines)
            {
                _writer?.Dispose();
            }
        }
    }
}
