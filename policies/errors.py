"""Policy errors.

PolicyError (ValueError)        a policy file or directory cannot be used; ``problems`` says
                                where (file, line, column) and what to do about it
  PolicyCaseError               a policy test file (policies/tests/*.yaml) is malformed
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file: where, what, and the remedy."""

    file: Path
    line: int | None
    column: int | None
    message: str
    remedy: str

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: {self.message} (remedy: {self.remedy})"

    def detail(self) -> str:
        """The problem without its file name: "line 3, column 5: ... (remedy: ...)"."""
        where = "" if self.line is None else f"line {self.line}, "
        where += "" if self.column is None else f"column {self.column}: "
        return f"{where}{self.message} (remedy: {self.remedy})"


class PolicyError(ValueError):
    """A policy file is malformed; the message names the file, line and problem."""

    code = "policy_invalid"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class PolicyCaseError(PolicyError):
    code = "policy_case_invalid"
