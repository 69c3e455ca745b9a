"""Modification and Change Request reference formats (domain.md section 2).

SECMP0007   legacy SEC modification, four digits
MP102A      Modification Proposal, three or four digits, optional split letter
DP124       Draft Proposal, three or four digits
CR1145      DCC Change Request, three to five digits, or the placeholder CRTBC
"""

import re
from dataclasses import dataclass

MODIFICATION_REFERENCE_REGEX = r"^(SECMP[0-9]{4}|MP[0-9]{3,4}[A-Z]?|DP[0-9]{3,4})$"
CHANGE_REQUEST_REFERENCE_REGEX = r"^CR([0-9]{3,5}|TBC)$"

_MOD_INPUT = re.compile(r"^(SECMP|MP|DP)\s*-?\s*([0-9]{1,4})\s*([A-Z]?)$")
_CR_INPUT = re.compile(r"^CR\s*-?\s*([0-9]{3,5}|TBC)$")


class ReferenceError(ValueError):
    """A reference that cannot be read; the message is shown to the analyst."""


@dataclass(frozen=True)
class ModificationReference:
    prefix: str
    number: int
    suffix: str

    def __str__(self):
        width = 4 if self.prefix == "SECMP" else 3
        return f"{self.prefix}{self.number:0{width}d}{self.suffix}"

    def as_modification_proposal(self):
        """The reference a Draft Proposal takes when converted: DP153 -> MP153."""
        return ModificationReference("MP", self.number, self.suffix)


def parse_modification_reference(text):
    """Normalise what an analyst typed: ' mp 106 ' -> MP106, 'secmp 7' -> SECMP0007."""
    cleaned = (text or "").strip().upper()
    match = _MOD_INPUT.match(cleaned)
    if not match:
        raise ReferenceError("Enter a reference like SECMP0007, MP106, MP102A or DP124.")
    prefix, digits, suffix = match.groups()
    if suffix and prefix != "MP":
        raise ReferenceError("Only Modification Proposals (MP) take a split letter, e.g. MP102A.")
    number = int(digits)
    if number == 0:
        raise ReferenceError("A reference number starts at 1.")
    if prefix != "SECMP" and number > 9999:
        raise ReferenceError("A reference number has at most four digits.")
    return ModificationReference(prefix, number, suffix)


def normalise_change_request_reference(text):
    """' cr 1145 ' -> CR1145, 'crtbc' -> CRTBC."""
    cleaned = (text or "").strip().upper()
    match = _CR_INPUT.match(cleaned)
    if not match:
        raise ReferenceError("Enter a DCC Change Request reference like CR1145, or CRTBC.")
    return f"CR{match.group(1)}"
