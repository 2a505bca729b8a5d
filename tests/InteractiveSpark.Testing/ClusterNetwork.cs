using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace InteractiveSpark.Testing;

/// <summary>
/// A multi-host test bed on one machine: a Linux bridge of its own (<c>ispk-XXXXXX</c>) on a private /24 that clashes
/// with none of the machine's routes; N "agents", each the network namespace of a small holder container (started with
/// Docker's <c>--network none</c>, so the engine's <c>--bridge=none</c> does not matter) given one end of a veth pair and
/// its own address on the bridge, which tasks join with <c>--network container:HOLDER</c>; an "intruder" namespace on the
/// same bridge; and the "notebook": the test process's own (root) namespace, whose address on the bridge is the bridge's.
/// Why the root namespace for the notebook: the launcher, the Spark Connect client and the HTTP clients of a test open
/// their connections on thread-pool threads this code does not control, so a notebook namespace of its own would mean
/// running them in another process; the root namespace reaches the agents only through the bridge, as a notebook
/// outside the cluster would. Everything it makes is named with its id and removed by <see cref="DisposeAsync"/>
/// (also when a test failed); what a crashed run left (its owner process gone) is removed by <see cref="CreateAsync"/>
/// before anything is made. It sends nothing anywhere: tests send traffic only to the addresses it made.
/// </summary>
public sealed partial class ClusterNetwork : IAsyncDisposable
{
    /// <summary>Every bridge, veth, namespace and holder container of a bed starts with this.</summary>
    public const string Prefix = "ispk-";

    /// <summary>The Docker label carrying the bed's id on its holder containers.</summary>
    public const string BedLabel = "ispark.testbed";

    /// <summary>The Docker label carrying the pid of the process that made the bed (a leftover's owner is gone).</summary>
    public const string OwnerPidLabel = "ispark.testbed.owner-pid";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly List<string> _links = [];
    private readonly List<string> _containers = [];
    private readonly List<string> _namespaces = [];

    private ClusterNetwork(string id, IPNetwork subnet)
    {
        Id = id;
        Subnet = subnet;
    }

    /// <summary>The bed's id, also the bridge's name: <c>ispk-</c> and 6 hex digits.</summary>
    public string Id { get; }

    /// <summary>The bridge's name.</summary>
    public string Bridge => Id;

    /// <summary>The bed's /24.</summary>
    public IPNetwork Subnet { get; }

    /// <summary>The notebook's address on the bridge (the root namespace, i.e. this process).</summary>
    public IPAddress NotebookAddress => Address(1);

    /// <summary>The agents, in order.</summary>
    public IReadOnlyList<ClusterAgent> Agents { get; private set; } = [];

    /// <summary>The intruder's namespace (<c>/run/netns/ID-intruder</c>), on the bridge, owning nothing of any session.</summary>
    public NetworkNamespace Intruder { get; private set; } = null!;

    /// <summary>The intruder's address on the bridge.</summary>
    public IPAddress IntruderAddress => Address(66);

    /// <summary>
    /// Makes a bed with <paramref name="agents"/> agents whose holder containers run <paramref name="holderImage"/>
    /// (any image with <c>sleep</c>; the tests use their base image). Fails loudly, with the command's output, when a step
    /// fails, after removing what it made.
    /// </summary>
    public static async Task<ClusterNetwork> CreateAsync(int agents, string holderImage, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        await RemoveLeftoversAsync().ConfigureAwait(false);
        var id = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var bed = new ClusterNetwork(id, await FreeSubnetAsync().ConfigureAwait(false));
        try
        {
            await bed.BuildAsync(agents, holderImage, cancellationToken).ConfigureAwait(false);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The listening TCP sockets of an agent's namespace, as <c>ss -ltnpH</c> run inside it shows them (loopback, the
    /// agent's address, or the wildcard, which is reported as <see cref="IPAddress.Any"/>), each with what its process
    /// is (from the process's command line: gateway, Spark Connect driver, master, worker, executor).
    /// </summary>
    public static async Task<IReadOnlyList<ListeningSocket>> ListeningSocketsAsync(ClusterAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var output = await RunAsync("nsenter", ["-t", agent.HolderPid.ToString(CultureInfo.InvariantCulture), "-n", "ss", "-ltnpH"]).ConfigureAwait(false);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Address: SsLocalAddress().Match(line), Pid: SsPid().Match(line)))
            .Where(m => m.Address.Success)
            .Select(m => new ListeningSocket(ParseSsAddress(m.Address.Groups[1].Value), ProcessRole(m.Pid.Success ? m.Pid.Groups[1].Value : null)))
            .DistinctBy(s => s.Endpoint)
            .OrderBy(s => s.Endpoint.Port)
            .ToList();
    }

    /// <summary>What a process is, from its command line's main program (the command line itself is never shown: it may hold --conf values).</summary>
    private static string ProcessRole(string? pid)
    {
        string cmdline;
        try
        {
            cmdline = pid is null ? "" : File.ReadAllText("/proc/" + pid + "/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "?";
        }

        return cmdline switch
        {
            _ when cmdline.Contains("ispark-gateway", StringComparison.Ordinal) => "gateway",
            _ when cmdline.Contains("SparkConnectServer", StringComparison.Ordinal) => "driver (Spark Connect server)",
            _ when cmdline.Contains("deploy.master.Master", StringComparison.Ordinal) => "standalone master",
            _ when cmdline.Contains("deploy.worker.Worker", StringComparison.Ordinal) => "standalone worker",
            _ when cmdline.Contains("CoarseGrainedExecutorBackend", StringComparison.Ordinal) => "executor",
            _ => cmdline.Split(' ')[0] is { Length: > 0 } program ? Path.GetFileName(program) : "?",
        };
    }

    /// <summary>
    /// Removes every bridge, veth, named namespace and holder container with the prefix whose owner process is gone
    /// (a run that crashed or was killed before its dispose), and the containers that joined such a bed's agents.
    /// A bed of a live process is left alone.
    /// </summary>
    public static async Task RemoveLeftoversAsync()
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        var dead = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (await RunAsync("ip", ["-o", "link", "show", "type", "bridge"]).ConfigureAwait(false)).Split('\n'))
        {
            var m = BridgeLine().Match(line);
            if (m.Success)
            {
                var owner = OwnerAlias().Match(line);
                (owner.Success && Alive(int.Parse(owner.Groups[1].Value, CultureInfo.InvariantCulture)) ? live : dead).Add(m.Groups[1].Value);
            }
        }

        var containers = await RunAsync("docker", ["ps", "-a", "--no-trunc", "--filter", "label=" + BedLabel, "--format",
            "{{.ID}} {{.Label \"" + BedLabel + "\"}} {{.Label \"" + OwnerPidLabel + "\"}}"]).ConfigureAwait(false);
        var deadHolders = new List<string>();
        foreach (var parts in containers.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')))
        {
            if (parts.Length == 3 && !live.Contains(parts[1])
                && !(int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Alive(pid)))
            {
                dead.Add(parts[1]);
                deadHolders.Add(parts[0]);
            }
        }

        // Tasks that joined a dead bed's agent (a crashed run's emulator left them): they keep the namespace alive.
        // Docker records the joined container by its full id.
        var all = (await RunAsync("docker", ["ps", "-aq", "--no-trunc"]).ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (deadHolders.Count > 0 && all.Length > 0)
        {
            // Tolerant: a container may go away between the listing and the inspect.
            var modes = await TryRunAsync("docker", ["inspect", "-f", "{{.Id}} {{.HostConfig.NetworkMode}}", .. all]).ConfigureAwait(false);
            foreach (var parts in modes.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')))
            {
                if (parts.Length == 2 && parts[1].StartsWith("container:", StringComparison.Ordinal) && deadHolders.Contains(parts[1]["container:".Length..]))
                {
                    await TryRunAsync("docker", ["rm", "-f", parts[0]]).ConfigureAwait(false);
                }
            }
        }

        foreach (var holder in deadHolders)
        {
            await TryRunAsync("docker", ["rm", "-f", holder]).ConfigureAwait(false);
        }

        foreach (var name in (await RunAsync("ip", ["netns", "list"]).ConfigureAwait(false)).Split('\n').Select(l => l.Split(' ')[0]))
        {
            if (BedName().Match(name) is { Success: true } m && !live.Contains(m.Groups[1].Value))
            {
                await TryRunAsync("ip", ["netns", "delete", name]).ConfigureAwait(false);
            }
        }

        foreach (var line in (await RunAsync("ip", ["-o", "link", "show"]).ConfigureAwait(false)).Split('\n'))
        {
            if (LinkName().Match(line) is { Success: true } m && BedName().Match(m.Groups[1].Value) is { Success: true } bed && !live.Contains(bed.Groups[1].Value))
            {
                await TryRunAsync("ip", ["link", "delete", m.Groups[1].Value]).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What of this bed still exists (links, namespaces, containers), one line each; empty after <see cref="DisposeAsync"/>.</summary>
    public async Task<IReadOnlyList<string>> RemainsAsync()
    {
        var remains = new List<string>();
        remains.AddRange((await RunAsync("ip", ["-o", "link", "show"]).ConfigureAwait(false)).Split('\n')
            .Where(l => l.Contains(Id, StringComparison.Ordinal)).Select(l => "link " + l.Split(':')[1].Trim()));
        remains.AddRange((await RunAsync("ip", ["netns", "list"]).ConfigureAwait(false)).Split('\n')
            .Where(l => l.StartsWith(Id, StringComparison.Ordinal)).Select(l => "netns " + l));
        remains.AddRange((await RunAsync("docker", ["ps", "-a", "--filter", "label=" + BedLabel + "=" + Id, "--format", "{{.Names}}"]).ConfigureAwait(false))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "container " + l));
        return remains;
    }

    /// <summary>Removes the holder containers (and with them the agents' namespaces and veth ends), the intruder's namespace, the veths and the bridge.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await TryRunAsync("docker", ["rm", "-f", container]).ConfigureAwait(false);
        }

        foreach (var name in _namespaces)
        {
            await TryRunAsync("ip", ["netns", "delete", name]).ConfigureAwait(false);
        }

        // Deleting one end of a veth deletes both; an end whose namespace went away with its holder is gone already.
        foreach (var link in Enumerable.Reverse(_links))
        {
            if ((await TryRunAsync("ip", ["link", "show", link]).ConfigureAwait(false)).ExitCode == 0)
            {
                await TryRunAsync("ip", ["link", "delete", link]).ConfigureAwait(false);
            }
        }
    }

    private IPAddress Address(int host)
    {
        var bytes = Subnet.BaseAddress.GetAddressBytes();
        bytes[3] = (byte)host;
        return new IPAddress(bytes);
    }

    private async Task BuildAsync(int agents, string holderImage, CancellationToken cancellationToken)
    {
        var prefix = "/" + Subnet.PrefixLength.ToString(CultureInfo.InvariantCulture);
        _links.Add(Bridge);
        await RunAsync("ip", ["link", "add", Bridge, "type", "bridge"]).ConfigureAwait(false);
        // The owner's pid in the bridge's alias: RemoveLeftoversAsync leaves a live process's bed alone.
        await RunAsync("ip", ["link", "set", "dev", Bridge, "alias", "owner-pid=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        await RunAsync("ip", ["addr", "add", NotebookAddress + prefix, "dev", Bridge]).ConfigureAwait(false);
        await RunAsync("ip", ["link", "set", Bridge, "up"]).ConfigureAwait(false);

        var list = new List<ClusterAgent>();
        for (var i = 0; i < agents; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = $"{Id}-agent{i.ToString(CultureInfo.InvariantCulture)}";
            var address = Address(11 + i);
            _containers.Add(name);
            await RunAsync("docker", ["run", "-d", "--name", name, "--network", "none", "--hostname", $"agent{i.ToString(CultureInfo.InvariantCulture)}",
                "--label", BedLabel + "=" + Id, "--label", OwnerPidLabel + "=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                "--entrypoint", "sleep", holderImage, "infinity"]).ConfigureAwait(false);
            var pid = int.Parse((await RunAsync("docker", ["inspect", "-f", "{{.State.Pid}}", name]).ConfigureAwait(false)).Trim(), CultureInfo.InvariantCulture);
            var inside = $"{Id}-a{i.ToString(CultureInfo.InvariantCulture)}";
            await VethAsync($"{Id}-h{i.ToString(CultureInfo.InvariantCulture)}", inside, pid.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            await RunAsync("nsenter", ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "ip", "addr", "add", address + prefix, "dev", inside]).ConfigureAwait(false);
            await RunAsync("nsenter", ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "ip", "link", "set", inside, "up"]).ConfigureAwait(false);
            list.Add(new ClusterAgent(name, address, name, pid));
        }

        Agents = list;
        var intruder = Id + "-intruder";
        _namespaces.Add(intruder);
        await RunAsync("ip", ["netns", "add", intruder]).ConfigureAwait(false);
        await VethAsync(Id + "-hi", Id + "-ai", intruder).ConfigureAwait(false);
        await RunAsync("ip", ["-n", intruder, "addr", "add", IntruderAddress + prefix, "dev", Id + "-ai"]).ConfigureAwait(false);
        await RunAsync("ip", ["-n", intruder, "link", "set", Id + "-ai", "up"]).ConfigureAwait(false);
        await RunAsync("ip", ["-n", intruder, "link", "set", "lo", "up"]).ConfigureAwait(false);
        Intruder = new NetworkNamespace("/run/netns/" + intruder);
    }

    /// <summary>A veth pair: <paramref name="bridgeEnd"/> on the bridge, <paramref name="otherEnd"/> moved to a namespace (a pid or a name).</summary>
    private async Task VethAsync(string bridgeEnd, string otherEnd, string netns)
    {
        _links.Add(bridgeEnd);
        await RunAsync("ip", ["link", "add", bridgeEnd, "type", "veth", "peer", "name", otherEnd]).ConfigureAwait(false);
        await RunAsync("ip", ["link", "set", bridgeEnd, "master", Bridge, "up"]).ConfigureAwait(false);
        await RunAsync("ip", ["link", "set", otherEnd, "netns", netns]).ConfigureAwait(false);
    }

    /// <summary>A random 10.x.y.0/24 that overlaps no route or address of the machine (any table), nor another bed.</summary>
    private static async Task<IPNetwork> FreeSubnetAsync()
    {
        var taken = new List<IPNetwork>();
        var text = await RunAsync("ip", ["-4", "route", "show", "table", "all"]).ConfigureAwait(false)
            + "\n" + await RunAsync("ip", ["-4", "-o", "addr", "show"]).ConfigureAwait(false);
        foreach (Match m in Ipv4Prefix().Matches(text))
        {
            var parts = m.Value.Split('/');
            var length = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 32;
            if (length is > 0 and <= 32 && IPAddress.TryParse(parts[0], out var address))
            {
                // An interface's address carries host bits (192.0.2.2/24): mask them off.
                var mask = length == 32 ? uint.MaxValue : ~(uint.MaxValue >> length);
                var masked = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()) & mask;
                var bytes = new byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, masked);
                taken.Add(new IPNetwork(new IPAddress(bytes), length));
            }
        }

        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = new IPNetwork(new IPAddress([10, (byte)RandomNumberGenerator.GetInt32(100, 255), (byte)RandomNumberGenerator.GetInt32(0, 256), 0]), 24);
            if (!taken.Any(t => t.Contains(candidate.BaseAddress) || candidate.Contains(t.BaseAddress)))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No free 10.x.y.0/24 for the test bed: every candidate overlaps a route of this machine.");
    }

    private static bool Alive(int pid) => Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));

    private static IPEndPoint ParseSsAddress(string text)
    {
        var colon = text.LastIndexOf(':');
        var host = text[..colon].Trim('[', ']');
        var port = int.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture);
        var address = host is "*" or "::" or "0.0.0.0" ? IPAddress.Any : IPAddress.Parse(host.Split('%')[0]);
        return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
    }

    private static async Task<string> RunAsync(string file, string[] args)
    {
        var (code, output) = await TestProcess.RunAsync(file, args, CommandTimeout).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"test bed: {file} {string.Join(' ', args)} exited with {code.ToString(CultureInfo.InvariantCulture)}: {output.Trim()}");
        }

        return output;
    }

    private static async Task<(int ExitCode, string Output)> TryRunAsync(string file, string[] args)
    {
        try
        {
            return await TestProcess.RunAsync(file, args, CommandTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return (-1, e.Message);
        }
    }

    [GeneratedRegex(@"^\d+:\s+(ispk-[0-9a-f]{6}):")]
    private static partial Regex BridgeLine();

    [GeneratedRegex(@"alias owner-pid=(\d+)")]
    private static partial Regex OwnerAlias();

    [GeneratedRegex(@"^\d+:\s+(ispk-[0-9a-f]{6}[^:@\s]*)[@:]")]
    private static partial Regex LinkName();

    [GeneratedRegex(@"^(ispk-[0-9a-f]{6})(-|$)")]
    private static partial Regex BedName();

    [GeneratedRegex(@"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(/\d{1,2})?\b")]
    private static partial Regex Ipv4Prefix();

    [GeneratedRegex(@"^LISTEN\s+\d+\s+\d+\s+(\S+)")]
    private static partial Regex SsLocalAddress();

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex SsPid();
}

/// <summary>One agent of a <see cref="ClusterNetwork"/>.</summary>
/// <param name="Name">The agent's name (also its holder container's).</param>
/// <param name="Address">Its address on the bridge: tasks' <c>HOST</c>.</param>
/// <param name="HolderContainer">The container whose network namespace is the agent's (tasks join it with <c>container:NAME</c>).</param>
/// <param name="HolderPid">The holder's process id on the host (its namespace: <c>/proc/PID/ns/net</c>).</param>
public sealed record ClusterAgent(string Name, IPAddress Address, string HolderContainer, int HolderPid)
{
    /// <summary>The agent's network namespace (what a process on that agent, another task say, sees).</summary>
    public NetworkNamespace Namespace => new("/proc/" + HolderPid.ToString(CultureInfo.InvariantCulture) + "/ns/net");

    /// <summary>Whether a listening socket of this agent (as <see cref="ClusterNetwork.ListeningSocketsAsync"/> gives it) is reachable from the bridge.</summary>
    public bool IsReachableFromBridge(IPEndPoint socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return !IPAddress.IsLoopback(socket.Address);
    }

    /// <summary>Where to connect to a listening socket from the bridge: the agent's address for the wildcard.</summary>
    public IPEndPoint OnBridge(IPEndPoint socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket.Address.Equals(IPAddress.Any) || socket.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(Address, socket.Port) : socket;
    }
}

/// <summary>A listening TCP socket of an agent's namespace and what its process is.</summary>
/// <param name="Endpoint">Its local address (<see cref="IPAddress.Any"/> for the wildcard) and port.</param>
/// <param name="Process">What its process is: gateway, driver, master, worker, executor, or the program's name.</param>
public sealed record ListeningSocket(IPEndPoint Endpoint, string Process);
