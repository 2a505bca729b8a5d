using System.Diagnostics;

namespace InteractiveSpark.SparkConnect.Tests.Examples;

/// <summary>
/// README command (1): <c>dotnet run notebooks/hello-spark.cs</c> as a new user runs it, a file-based app that starts
/// its own local Spark, and prints what it computed.
/// </summary>
public sealed class HelloSparkExampleTests
{
    [Fact]
    public async Task The_hello_spark_file_based_app_runs_end_to_end_against_a_local_Spark()
    {
        var repo = FindRepository();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add("notebooks/hello-spark.cs");
        // The example finds ../shared/engines from its working folder, as a user's checkout does.
        psi.Environment.Remove("SPARK_HOME");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet run notebooks/hello-spark.cs took more than 6 minutes:\n{await stdout}\n{await stderr}");
        }

        var output = await stdout;
        process.ExitCode.Should().Be(0, $"the example should succeed; it printed:\n{output}\n{await stderr}");
        output.Should().Contain("connected: Spark 4.2.0, session ");
        // The parameterised query: ids 2..4 and their squares, in Spark's own table layout.
        output.Should().Contain("|  3|     9|");
        output.Should().Contain("| north|   333|250249.5|");
        // 1..1000 split by id % 3: the same numbers from Collect as from Show.
        output.Should().Contain("south: 334 orders, 250750.5 in total");
        output.Should().Contain("west: 333 orders, 249750.0 in total");
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InteractiveSpark.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (InteractiveSpark.sln) was not found above the test folder.");
    }
}
