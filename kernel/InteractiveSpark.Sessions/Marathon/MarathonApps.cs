using System.Text.Json.Nodes;

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>The Marathon app definition every launcher here posts (session driver and workers, notebook jobs).</summary>
public static class MarathonApps
{
    /// <summary>
    /// A Docker app with host networking, one host port per name in <paramref name="portNames"/> (PORT0, PORT1, ... in the
    /// task), the given labels (callers put no secret in them) and constraints, and the launchers' own strategy: one task
    /// per instance, never two during an upgrade (a session or a job is not a service), SIGTERM then 20 s to stop,
    /// Marathon's restart backoff. Callers add <c>args</c>, <c>env</c> and health checks.
    /// </summary>
    public static JsonObject HostNetworkDocker(
        string appId, int instances, double cpus, long memMb, string image, bool forcePullImage, IEnumerable<string> portNames, JsonObject labels,
        IReadOnlyList<IReadOnlyList<string>> constraints)
    {
        ArgumentNullException.ThrowIfNull(portNames);
        ArgumentNullException.ThrowIfNull(constraints);
        var app = new JsonObject
        {
            ["id"] = appId,
            ["instances"] = instances,
            ["cpus"] = cpus,
            ["mem"] = memMb,
            ["disk"] = 0,
            ["container"] = new JsonObject
            {
                ["type"] = "DOCKER",
                ["docker"] = new JsonObject { ["image"] = image, ["forcePullImage"] = forcePullImage },
            },
            // Host networking: Spark's driver, master, workers and executors (and a job's submitter) reach tasks on the agents' addresses.
            ["networks"] = new JsonArray(new JsonObject { ["mode"] = "host" }),
            ["portDefinitions"] = new JsonArray(portNames.Select(n => (JsonNode)new JsonObject { ["port"] = 0, ["protocol"] = "tcp", ["name"] = n }).ToArray()),
            ["requirePorts"] = false,
            ["labels"] = labels,
            ["upgradeStrategy"] = new JsonObject { ["minimumHealthCapacity"] = 0, ["maximumOverCapacity"] = 0 },
            ["taskKillGracePeriodSeconds"] = 20,
            ["backoffSeconds"] = 1,
            ["backoffFactor"] = 1.15,
            ["maxLaunchDelaySeconds"] = 300,
        };
        if (constraints.Count > 0)
        {
            app["constraints"] = new JsonArray(constraints.Select(c => (JsonNode)new JsonArray(c.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray())).ToArray());
        }

        return app;
    }
}
