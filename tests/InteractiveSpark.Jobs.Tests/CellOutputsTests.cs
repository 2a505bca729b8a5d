using InteractiveSpark.Jobs.Execution;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>The failure line of <c>ispark run</c>: the kernel's error text as people read it.</summary>
public sealed class CellOutputsTests
{
    [Theory]
    [InlineData(
        "InteractiveSpark.SparkConnect.SparkException: [CAST_INVALID_INPUT] The value 'x' cannot be cast. SQLSTATE: 22018\n   at InteractiveSpark.SparkConnect.X()",
        "[CAST_INVALID_INPUT] The value 'x' cannot be cast. SQLSTATE: 22018")]
    [InlineData("System.InvalidOperationException: boom\n   at Submission#0.<Initialize>()", "InvalidOperationException: boom")]
    [InlineData("(3,11): error CS0103: The name 'x' does not exist in the current context", "(3,11): error CS0103: The name 'x' does not exist in the current context")]
    public void The_failure_line_carries_no_namespaced_type_name(string kernelError, string line) =>
        CellOutputs.ForPeople(kernelError).Should().Be(line);
}
