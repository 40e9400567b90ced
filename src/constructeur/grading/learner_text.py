"""Learner-controlled text made harmless where a report renders it.

A learner's notebook decides its exception names and messages, what it prints, its file
name: text that reaches the instructor's terminal, a spreadsheet or a web page. ``one_line``
keeps such text on the line it was given (no forged line, no escape sequence, no bell, no
carriage return); ``spreadsheet_cell`` also keeps a spreadsheet from reading it as a
formula. HTML is escaped where the page is written.
"""

import re
import unicodedata

# Terminal escape sequences, removed whole so that no « [31m » is left behind: CSI
# (ESC [ … final byte, or its one-byte form \x9b), OSC and the other string sequences
# (ESC ] … ended by BEL or ESC \), and the two-character ESC sequences.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Whatever starts a new line somewhere: line feed, carriage return, tabs, form feed, the
# Unicode line and paragraph separators.
_BREAKS = re.compile(r"[\n\r\t\v\f\x1c-\x1e\x85\u2028\u2029]+")
FORMULA_STARTS = ("=", "+", "-", "@")


def one_line(text):
    """``text`` on one line with nothing a terminal acts on: escape sequences removed,
    line breaks and tabs turned into one space, other control and format characters
    (bell, NUL, backspace, bidirectional overrides…) removed.

    Example:
        >>> one_line("a\\nTotal\\u00a0: 21/21\\x1b[2J\\a")
        'a Total\\xa0: 21/21'
    """
    text = _BREAKS.sub(" ", _ESCAPES.sub("", str(text)))
    return "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf"))


def spreadsheet_cell(text):
    """``text`` for a CSV cell: on one line, and, when it would start a formula in a
    spreadsheet (``=``, ``+``, ``-``, ``@``), behind an apostrophe that keeps it text.

    Example:
        >>> spreadsheet_cell('=HYPERLINK("http://x")'), spreadsheet_cell("dupont")
        ('\\'=HYPERLINK("http://x")', 'dupont')
    """
    text = one_line(text)
    return f"'{text}" if text.lstrip().startswith(FORMULA_STARTS) else text
