"""A parser-checker for Go text/template, in the two dialects monctl writes templates for.

Prometheus expands alert labels and annotations with its own functions and the variables
$labels, $value, $externalLabels, $externalURL; Alertmanager expands notification fields
(Slack text, email subject ...) over its Data (.Alerts, .CommonLabels ...) with other
functions. A template one of them cannot parse, or that names a function, variable, field
or template it does not have, fails there (promtool check rules, or every notification of
a live Alertmanager); this checker finds the same failures before render. The function
sets are those of the installed checkers (promtool 2.42, amtool 0.25), measured: a
function only newer servers know (trimSpace, toDuration) is refused, so the output loads
on both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Dialect = Literal["prometheus", "alertmanager"]

GO_BUILTINS = frozenset(
    {
        "and", "or", "not", "len", "index", "slice", "print", "printf", "println",
        "html", "js", "urlquery", "call", "eq", "ne", "lt", "le", "gt", "ge",
    }
)  # fmt: skip
# Prometheus' template functions (template/template.go) that promtool 2.42 accepts in rules.
PROMETHEUS_FUNCTIONS = frozenset(
    {
        "query", "first", "label", "value", "strvalue", "args", "safeHtml", "match",
        "reReplaceAll", "title", "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel",
        "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
        "toTime", "pathPrefix", "externalURL", "parseDuration", "stripPort", "stripDomain",
    }
)  # fmt: skip
# Alertmanager's DefaultFuncs (template/template.go) in 0.25, the installed amtool.
ALERTMANAGER_FUNCTIONS = frozenset(
    {"toUpper", "toLower", "title", "join", "match", "safeHtml", "reReplaceAll", "stringSlice"}
)
KNOWN_FUNCTIONS = GO_BUILTINS | PROMETHEUS_FUNCTIONS  # the Prometheus dialect, as lint reads it
FUNCTIONS: dict[str, frozenset[str]] = {
    "prometheus": GO_BUILTINS | PROMETHEUS_FUNCTIONS,
    "alertmanager": GO_BUILTINS | ALERTMANAGER_FUNCTIONS,
}
# Prometheus declares these before expanding an alert's templates; Alertmanager declares none.
PROMETHEUS_VARIABLES = frozenset({"$", "$labels", "$externalLabels", "$externalURL", "$value"})
VARIABLES: dict[str, frozenset[str]] = {"prometheus": PROMETHEUS_VARIABLES, "alertmanager": frozenset({"$"})}
# The fields of the data each server executes a template on (`.` at the top, and `$`).
FIELDS: dict[str, frozenset[str]] = {
    "prometheus": frozenset({"Labels", "ExternalLabels", "ExternalURL", "Value"}),
    "alertmanager": frozenset(
        {"Receiver", "Status", "Alerts", "GroupLabels", "CommonLabels", "CommonAnnotations", "ExternalURL"}
    ),
}
# Templates Alertmanager's default.tmpl defines: `{{ template "slack.default.title" . }}` works.
ALERTMANAGER_TEMPLATES = frozenset(
    {
        "__alertmanager", "__alertmanagerURL", "__subject", "__description", "__text_alert_list",
        "slack.default.title", "slack.default.username", "slack.default.fallback",
        "slack.default.callbackid", "slack.default.pretext", "slack.default.titlelink",
        "slack.default.iconemoji", "slack.default.iconurl", "slack.default.text", "slack.default.footer",
        "pagerduty.default.description", "pagerduty.default.client", "pagerduty.default.clientURL",
        "pagerduty.default.instances", "email.default.subject", "email.default.html",
        "opsgenie.default.message", "opsgenie.default.description", "opsgenie.default.source",
        "wechat.default.message", "victorops.default.state_message", "victorops.default.entity_display_name",
        "victorops.default.monitoring_tool", "pushover.default.title", "pushover.default.message",
        "pushover.default.url", "sns.default.subject", "sns.default.message", "telegram.default.message",
        "discord.default.title", "discord.default.message", "webex.default.message",
    }
)  # fmt: skip
_BLOCKS = ("if", "with", "range", "define", "block")

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<pipe>\|)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?i?))
  | (?P<variable>\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class TemplateProblem:
    """One problem; `structural` problems break parsing, the others (unknown functions) may not."""

    message: str
    structural: bool = True


class _Invalid(Exception):
    pass


@dataclass
class _Block:
    keyword: str
    variables: set[str]
    has_else: bool = False


def check_template(
    text: str, dialect: Dialect = "prometheus", defined: frozenset[str] = frozenset()
) -> list[TemplateProblem]:
    """Problems of `text` as a Go text/template `dialect`'s server expands; empty when it works there.

    `defined`: template names defined elsewhere the server loads too (Alertmanager's template files).
    """
    checker = _Checker(dialect, elsewhere=defined)
    try:
        checker.run(text)
    except _Invalid as exc:
        return [*checker.problems, TemplateProblem(str(exc))]
    return checker.problems


_SERVER = {"prometheus": "Prometheus alert templates", "alertmanager": "Alertmanager notification templates"}


@dataclass
class _Checker:
    dialect: Dialect
    elsewhere: frozenset[str] = frozenset()
    problems: list[TemplateProblem] = field(default_factory=list)
    stack: list[_Block] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)
    called: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stack.append(_Block("", set(VARIABLES[self.dialect])))

    def _problem(self, message: str) -> None:
        problem = TemplateProblem(message)
        if problem not in self.problems:
            self.problems.append(problem)

    def run(self, text: str) -> None:
        pos = 0
        while True:
            start = text.find("{{", pos)
            if start < 0:
                break
            pos = self._action(text, start)
        if len(self.stack) > 1:
            raise _Invalid(f"{{{{ {self.stack[-1].keyword} }}}} is not closed: add {{{{ end }}}}")
        known, where = self.defined | self.elsewhere, "this text"
        if self.dialect == "alertmanager":
            known, where = known | ALERTMANAGER_TEMPLATES, "this text or an alertmanager.templates file"
        for name in self.called:
            if name not in known:
                self._problem(f"template {name!r} is not defined (define it in {where})")

    def _action(self, text: str, start: int) -> int:
        """Check the action opening at `start`; return the position after it."""
        pos = start + 2
        if text.startswith("- ", pos) or text.startswith("-\t", pos) or text.startswith("-\n", pos):
            pos += 1
        body_start = pos
        stripped = text[pos:].lstrip()
        if stripped.startswith("/*"):
            end = text.find("*/", pos + (len(text[pos:]) - len(stripped)) + 2)
            if end < 0:
                raise _Invalid("comment {{/* is not closed with */}}")
            close = re.compile(r"\*/\s*(?:-\s*)?\}\}").match(text, end)
            if close is None:
                raise _Invalid("a comment must end right before }}: write {{/* ... */}}")
            return close.end()
        tokens, pos = self._tokens(text, body_start)
        self._statement(tokens)
        return pos

    def _tokens(self, text: str, pos: int) -> tuple[list[tuple[str, str]], int]:
        tokens: list[tuple[str, str]] = []
        while pos < len(text):
            if text.startswith("}}", pos):
                return tokens, pos + 2
            found = _TOKEN_RE.match(text, pos)
            if found is None:
                snippet = text[pos : pos + 10].split("\n")[0]
                if text[pos] == "}":
                    raise _Invalid("an action {{ is closed with a single }: write }}")
                if text[pos] in "\"'`":
                    raise _Invalid(f"unterminated quoted string starting {snippet!r}")
                raise _Invalid(f"unexpected {snippet[:1]!r} in action (near {snippet!r})")
            kind = str(found.lastgroup)
            pos = found.end()
            if kind != "space":
                tokens.append((kind, found.group()))
            elif text.startswith("-}}", pos):
                return tokens, pos + 3
        raise _Invalid("an action {{ is not closed with }}")

    # -- statements -------------------------------------------------------------------------------

    def _statement(self, tokens: list[tuple[str, str]]) -> None:
        if not tokens:
            raise _Invalid("empty action {{ }}: missing value for command")
        kind, word = tokens[0]
        rest = tokens[1:]
        if kind == "ident" and word in ("if", "with", "range"):
            self._open(word, rest)
        elif kind == "ident" and word == "else":
            self._else(rest)
        elif kind == "ident" and word == "end":
            if rest:
                raise _Invalid(f"unexpected {rest[0][1]!r} in end")
            if len(self.stack) == 1:
                raise _Invalid("{{ end }} without a matching if, with, range or define")
            self.stack.pop()
        elif kind == "ident" and word in ("define", "block", "template"):
            self._named(word, rest)
        elif kind == "ident" and word in ("break", "continue"):
            if rest:
                raise _Invalid(f"unexpected {rest[0][1]!r} in {word}")
            if not any(block.keyword == "range" for block in self.stack):
                raise _Invalid(f"{{{{ {word} }}}} outside {{{{ range }}}}")
        else:
            self._pipeline(tokens, "command")

    def _open(self, keyword: str, rest: list[tuple[str, str]]) -> None:
        self.stack.append(_Block(keyword, set()))
        if not rest:
            raise _Invalid(f"missing value for {keyword}")
        self._pipeline(rest, keyword, allow_two=keyword == "range")

    def _else(self, rest: list[tuple[str, str]]) -> None:
        block = self.stack[-1]
        if block.keyword not in ("if", "with", "range"):
            raise _Invalid("{{ else }} outside if, with or range")
        if block.has_else:
            raise _Invalid(
                f"{{{{ else }}}} after the final else of {{{{ {block.keyword} }}}}: expected {{{{ end }}}}"
            )
        if not rest:
            block.has_else = True
            return
        chained = rest[0][1]
        if rest[0][0] != "ident" or chained not in ("if", "with") or block.keyword == "range":
            raise _Invalid(f"unexpected {chained!r} after else (only else if / else with)")
        if len(rest) == 1:
            raise _Invalid(f"missing value for else {chained}")
        self._pipeline(rest[1:], f"else {chained}")

    def _named(self, keyword: str, rest: list[tuple[str, str]]) -> None:
        if not rest or rest[0][0] not in ("string", "raw"):
            raise _Invalid(f'{keyword} needs a quoted template name, e.g. {{{{ {keyword} "name" }}}}')
        name = rest[0][1][1:-1]
        if keyword == "template":
            self.called.append(name)
        else:
            self.defined.add(name)
        if keyword == "define":
            if len(self.stack) > 1:
                raise _Invalid("{{ define }} is only allowed at the top level, not inside a block")
            if len(rest) > 1:
                raise _Invalid(f"unexpected {rest[1][1]!r} in define")
            self.stack.append(_Block("define", {"$"}))
            return
        if len(rest) > 1:
            self._pipeline(rest[1:], keyword)
        if keyword == "block":
            self.stack.append(_Block("block", set()))

    # -- pipelines --------------------------------------------------------------------------------

    def _visible(self, variable: str) -> bool:
        """Declared in an enclosing block (a define body sees only its own)."""
        scopes = self.stack
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].keyword == "define":
                scopes = self.stack[index:]
                break
        return any(variable in block.variables for block in scopes)

    def _pipeline(self, tokens: list[tuple[str, str]], context: str, *, allow_two: bool = False) -> None:
        tokens = self._declaration(tokens, context, allow_two)
        commands: list[list[tuple[str, str]]] = [[]]
        depth = 0
        for kind, word in tokens:
            if kind == "lparen":
                depth += 1
            elif kind == "rparen":
                depth -= 1
                if depth < 0:
                    raise _Invalid(f"unexpected ) in {context}")
            if kind == "pipe" and depth == 0:
                commands.append([])
                continue
            commands[-1].append((kind, word))
        if depth > 0:
            raise _Invalid(f"unclosed ( in {context}")
        if len(commands) > 1 and not commands[-1]:
            commands.pop()  # Go's parser accepts a trailing `|` before }}
        for index, command in enumerate(commands):
            self._command(command, context, index)

    def _declaration(
        self, tokens: list[tuple[str, str]], context: str, allow_two: bool
    ) -> list[tuple[str, str]]:
        """Declare or assign the pipeline's leading `$x :=` / `$i, $e :=`; return the rest."""
        for op_at in (1, 3):
            if len(tokens) <= op_at or tokens[op_at][0] not in ("declare", "assign"):
                continue
            if op_at == 3 and (tokens[1][0] != "comma" or not allow_two):
                raise _Invalid(f"too many declarations in {context}")
            names = [tokens[i] for i in range(0, op_at, 2)]
            for kind, word in names:
                if kind != "variable" or "." in word:
                    raise _Invalid(f"cannot assign to {word!r}: only $variables")
                if tokens[op_at][0] == "assign" and not self._visible(word):
                    raise _Invalid(f"undefined variable {word!r}")
            if len(tokens) == op_at + 1:
                raise _Invalid(f"missing value for {context}")
            self.stack[-1].variables.update(word for _, word in names)
            return tokens[op_at + 1 :]
        return tokens

    def _command(self, command: list[tuple[str, str]], context: str, index: int) -> None:
        if not command:
            raise _Invalid(f"missing value for command in {context}")
        first_kind, first = command[0]
        if index > 0 and (first_kind in ("string", "raw", "char", "number") or first == "."):
            raise _Invalid(f"non executable command in pipeline stage {index + 1}: {first}")
        depth_tokens: list[tuple[str, str]] = []
        depth = 0
        for kind, word in command:
            if kind in ("declare", "assign", "comma"):
                raise _Invalid(f"unexpected {word!r} in {context}")
            if kind == "lparen":
                depth += 1
                if depth == 1:
                    depth_tokens = []
                    continue
            elif kind == "rparen":
                depth -= 1
                if depth == 0:
                    self._pipeline(depth_tokens, context)
                    continue
            if depth > 0:
                depth_tokens.append((kind, word))
                continue
            self._operand(kind, word)

    def _dot_is_root(self) -> bool:
        """Whether `.` is still the data the server executes on (only `if` blocks around it)."""
        return all(block.keyword == "if" for block in self.stack[1:])

    def _field(self, name: str) -> None:
        fields = FIELDS[self.dialect]
        if name not in fields:
            self._problem(
                f"can't evaluate field {name}: the data of {_SERVER[self.dialect]} has "
                f"{', '.join(sorted(fields))}"
            )

    def _operand(self, kind: str, word: str) -> None:
        if kind == "variable":
            name, _, rest = word.partition(".")
            if not self._visible(name):
                raise _Invalid(f"undefined variable {name!r}")
            if name == "$" and rest and not any(b.keyword == "define" for b in self.stack):
                self._field(rest.split(".")[0])
        elif kind == "field":
            if word != "." and self._dot_is_root():
                self._field(word.split(".")[1])
        elif kind == "ident":
            head = word.split(".")[0]
            if head in (
                "if",
                "else",
                "end",
                "range",
                "with",
                "define",
                "block",
                "template",
                "break",
                "continue",
            ):
                raise _Invalid(f"unexpected keyword {head!r} inside an action")
            if head not in ("true", "false", "nil") and head not in FUNCTIONS[self.dialect]:
                self._problem(f"function {head!r} is not defined in {_SERVER[self.dialect]}")
