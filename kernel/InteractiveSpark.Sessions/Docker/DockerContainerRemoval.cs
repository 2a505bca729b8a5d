using Docker.DotNet;
using Docker.DotNet.Models;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>Removes a session's or a job's container for good, whatever state it is in.</summary>
internal static class DockerContainerRemoval
{
    /// <summary>Force-removes a container (killed first if running) with its volumes; false when it was already gone.</summary>
    public static async Task<bool> RemoveQuietlyAsync(DockerClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // "removal of container ... is already in progress" (AutoRemove): it is going away by itself.
            return false;
        }
    }
}
