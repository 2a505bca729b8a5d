using System.Globalization;
using InteractiveSpark.Sessions.Docker;
using InteractiveSpark.Sessions.Local;
using InteractiveSpark.Sessions.Marathon;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions.Records;

/// <summary>
/// The driver of a session taken over from its record (<c>--attach</c>): started by an earlier kernel, reached with
/// what the record keeps. Disposing it stops a keep-alive local server (through its watchdog) or a Docker session's
/// containers (by their session label) or a Marathon session's group (with the Marathon credentials of the environment,
/// as when it was launched: the record keeps Marathon's address, never its credentials). A Docker or Marathon session's logs and UI
/// come through its gateway, pinned to the recorded certificate, as for the kernel that started it.
/// </summary>
internal sealed class RecordedSparkDriver(SessionRecord record) : IGatewaySession
{
    private readonly SparkLauncherKind _launcher = SparkLauncherKinds.TryParse(record.Launcher, out var kind) ? kind : SparkLauncherKind.Url;

    public SparkLauncherKind Launcher => _launcher;

    public SparkConnectionString ConnectionString => record.Connection;

    public SparkSessionOptions SessionOptions => Reach.SessionOptions;

    public string Description => $"{record.Where} (attached)";

    public string? Owned => StoppableLocalServer(record) is { } pid ? $"local server (process {pid.ToString(CultureInfo.InvariantCulture)})"
        : DockerSession(record) is not null ? "its Docker containers"
        : MarathonGroup(record) is { } group ? $"Marathon group {group}"
        : null;

    public Uri? UiUri => record.UiUri;

    public ISessionLogs? Logs => BehindGateway ? new GatewayTools(this) : null;

    public ISessionUi? Ui => BehindGateway ? new GatewayTools(this)
        : _launcher == SparkLauncherKind.Local && record.UiUri is { } uri ? new FixedSessionUi(uri)
        : new UnavailableSessionUi($"{record.Name}: the UI of an attached {record.Launcher} session is not offered here; start a new session for its UI.");

    public string Name => record.Name;

    public string CertificateSha256 => record.PinnedServerCertificateSha256 ?? "";

    public Uri GatewayUri => new(record.Connection.GrpcAddress.GetLeftPart(UriPartial.Authority) + "/");

    public bool HasExecutors => record.HasExecutors;

    /// <summary>A Docker or Marathon session: its one door is a gateway whose certificate the record pins.</summary>
    private bool BehindGateway => _launcher is SparkLauncherKind.Docker or SparkLauncherKind.Marathon
        && !string.IsNullOrEmpty(record.PinnedServerCertificateSha256) && record.Connection.UseSsl;

    public bool HasExited => LocalServerIsGone(record);

    public DriverReach Reach => new(_launcher, record.Connection, record.PinnedServerCertificateSha256, record.Resource);

    /// <summary>Whether the record names a local server whose process is gone (cheap: no network).</summary>
    public static bool LocalServerIsGone(SessionRecord record) =>
        record.Launcher == "local" && int.TryParse(record.Resource, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !ProcessIsAlive(pid);

    public async ValueTask DisposeAsync()
    {
        await LocalUiProxy.StopAsync(this).ConfigureAwait(false);
        if (StoppableLocalServer(record) is { } pid)
        {
            await LocalLease.StopServerAsync(pid, record.LeaseFile!).ConfigureAwait(false);
        }
        else if (DockerSession(record) is { } docker)
        {
            try
            {
                await DockerSparkContainers.StopSessionAsync(docker, record.DockerEndpoint).ConfigureAwait(false);
            }
            catch (Exception e) when (e is global::Docker.DotNet.DockerApiException or HttpRequestException or OperationCanceledException or IOException)
            {
                // One line for the notebook (#!spark-stop shows it): what is left, and what ends it anyway.
                throw new InvalidOperationException(
                    $"the Docker engine did not remove the containers of session {docker} ({e.Message.Split('\n')[0].Trim()}); the gateway's idle timer stops them.", e);
            }
        }
        else if (MarathonGroup(record) is { } group)
        {
            try
            {
                // http:// on another host was accepted when the session was launched (the record holds what was launched).
                using var client = new MarathonClient(record.MarathonUrl!, MarathonCredentials.FromEnvironment(), allowHttp: true);
                await client.RemoveGroupAsync(group, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MarathonException or HttpRequestException or OperationCanceledException or TimeoutException or ArgumentException)
            {
                throw new InvalidOperationException(
                    $"Marathon did not remove the group {group} ({(e is OperationCanceledException ? "no answer within 60 s" : e.Message.Split('\n')[0].Trim())}); the gateway's idle timer stops its Spark.", e);
            }
        }
    }

    /// <summary>The Docker session label of a Docker record (every container of the session carries it), else null.</summary>
    private static string? DockerSession(SessionRecord record) =>
        record.Launcher == "docker" && !string.IsNullOrEmpty(record.Resource) ? record.Resource : null;

    /// <summary>The Marathon group of a Marathon record that knows its Marathon, else null.</summary>
    private static string? MarathonGroup(SessionRecord record) =>
        record.Launcher == "marathon" && record.MarathonUrl is not null && !string.IsNullOrEmpty(record.Resource) ? record.Resource : null;

    private static int? StoppableLocalServer(SessionRecord record) =>
        record.Launcher == "local" && record.LeaseFile is not null && int.TryParse(record.Resource, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    private static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
