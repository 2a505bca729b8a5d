using System.Diagnostics;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// The job image, built (or found up to date) by the project's script docker/build-job-image, as CI does before the
/// tests. Fails with the script's output when it cannot build: nothing is skipped. With ISPARK_JOB_IMAGE set, that image
/// is used as it is (it must exist): the image hashes all of kernel/ and extensions/, so while those change under
/// development every build would otherwise rebuild it (minutes).
/// </summary>
public sealed class JobImageFixture : IAsyncLifetime
{
    /// <summary>The image's name.</summary>
    public string Image { get; } = Environment.GetEnvironmentVariable("ISPARK_JOB_IMAGE") is { Length: > 0 } image ? image : "ispark-job:test";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("ISPARK_JOB_IMAGE") is { Length: > 0 })
        {
            var inspect = new ProcessStartInfo("docker") { UseShellExecute = false };
            foreach (var arg in new[] { "image", "inspect", "-f", "{{.Id}}", Image })
            {
                inspect.ArgumentList.Add(arg);
            }

            var found = await IsparkTool.RunProcessAsync(inspect, TimeSpan.FromMinutes(1));
            if (found.ExitCode != 0)
            {
                throw new InvalidOperationException($"ISPARK_JOB_IMAGE={Image} does not exist: build it with docker/build-job-image --image {Image}.\n{found.Output}");
            }

            return;
        }

        var psi = new ProcessStartInfo(Path.Combine(IsparkTool.Root, "docker", "build-job-image")) { WorkingDirectory = IsparkTool.Root, UseShellExecute = false };
        psi.ArgumentList.Add("--image");
        psi.ArgumentList.Add(Image);
        var build = await IsparkTool.RunProcessAsync(psi, TimeSpan.FromMinutes(20));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker/build-job-image failed ({build.ExitCode}):\n{build.Output}");
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;
}
