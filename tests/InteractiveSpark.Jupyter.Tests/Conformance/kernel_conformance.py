"""Jupyter's kernel conformance suite (jupyter_kernel_test) against the InteractiveSpark kernel.

Run by KernelConformanceTests with JUPYTER_PATH pointing at a freshly installed kernelspec. Every test of the suite that
applies to a language kernel has its sample here, so none is skipped.
"""
import unittest

import jupyter_kernel_test


class InteractiveSparkKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "interactivespark-csharp"
    language_name = "C#"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("oops");'

    completion_samples = [
        {"text": "Console.WriteL", "matches": {"WriteLine"}},
        {"text": "var answerToEverything = 42;\nanswerToEv", "matches": {"answerToEverything"}},
    ]

    complete_code_samples = ["1 + 1", "var x = 1;", "void F() { }", "using System.Text;"]
    incomplete_code_samples = ["void F() {", "var s = new[] { 1,", "if (true) {"]
    invalid_code_samples = ["var x = ;)", "1 +* 2 }"]

    code_page_something = 'page("the pager shows this")'

    code_generate_error = 'throw new InvalidOperationException("this cell fails");'

    code_execute_result = [
        {"code": "1 + 1", "result": "2"},
        {"code": '"a" + "b"', "result": "ab"},
        {"code": "new[] { 1, 2, 3 }.Sum()", "result": "6"},
    ]

    code_display_data = [
        {"code": 'display(html("<b>bold</b>"));', "mime": "text/html"},
        {"code": 'display(42);', "mime": "text/plain"},
    ]

    code_history_pattern = "1 +*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Console.WriteLine"

    code_clear_output = "clearOutput();"


if __name__ == "__main__":
    unittest.main()
