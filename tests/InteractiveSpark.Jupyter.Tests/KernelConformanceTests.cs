namespace InteractiveSpark.Jupyter.Tests;

/// <summary>
/// Jupyter's kernel conformance suite (jupyter_kernel_test, Debian's python3-jupyter-kernel-test) against `ispark kernel`,
/// started by jupyter_client from the installed kernelspec: every test of the suite runs (each has its sample in
/// Conformance/kernel_conformance.py), none may be skipped.
/// </summary>
public sealed class KernelConformanceTests
{
    [Fact]
    public async Task Jupyters_kernel_conformance_suite_passes_with_no_test_skipped()
    {
        var jupyterPath = await KernelTool.JupyterPathAsync();
        var (exitCode, output) = await KernelTool.RunAsync(
            KernelTool.Python, ["-m", "unittest", "-v", "kernel_conformance"], TimeSpan.FromMinutes(4),
            new Dictionary<string, string> { ["JUPYTER_PATH"] = jupyterPath, ["PYTHONDONTWRITEBYTECODE"] = "1" },
            Path.Combine(AppContext.BaseDirectory, "Conformance"));

        exitCode.Should().Be(0, output);
        output.Should().Contain("Ran 12 tests").And.Contain("OK").And.NotContain("skipped", output);
    }
}
