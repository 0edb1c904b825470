"""Python-Markdown's block and inline stages, made to skip what a text cannot match.

Both stages try every one of their processors on every piece of text: each block (a paragraph)
goes through fifteen block processors' tests before the paragraph processor takes it, and each
text node through thirteen inline patterns' searches. On the benchmark corpus, where a paragraph
holds a link or two and nothing else, those tries were more than half of a conversion's time. A
processor can only take a text holding its trigger ("[" for a link, "|" for a table row, ">" for
a quote), so a text without the trigger skips it, exactly as the failed test or search would:
the same processors run in the same order on the same texts, and the HTML is the same byte for byte.
"""

from __future__ import annotations

import re

from markdown import util
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor

Triggers = tuple[str, ...]  # a processor can take a text only if one of these is in it

# Python-Markdown's inline patterns, by registered name: each pattern's regular expression needs one
# of these strings in the text. A pattern not named here (an extension's, another version's) is always tried.
INLINE_TRIGGERS: dict[str, Triggers] = {
    "backtick": ("`",),  # both of its branches end at a backtick
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "short_reference": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "linebreak": ("  \n",),
    "entity": ("&",),
    "em_strong": ("*", "_"),  # one processor for both since 3.11; "*" alone before
    "em_strong2": ("_",),
    "not_strong": ("*", "_"),
}

# Block processors, by registered name, that cannot take a block without one of these (their test
# is false, or their run gives the block back and returns False). The others' tests are cheap
# checks of the block's first characters and are always tried.
BLOCK_TRIGGERS: dict[str, Triggers] = {
    "table": ("|",),  # the header row needs a pipe
    "hashheader": ("#",),
    "setextheader": ("\n=", "\n-"),
    "hr": ("-", "_", "*"),
    "deflist": (":",),
    "quote": (">",),
    "footnote": ("[^",),  # a definition: [^1]: text
    "reference": ("]:",),  # [id]: url
}

# Preprocessors, by registered name and priority, that give the lines back unchanged when the text
# lacks these: raw HTML starts with "<", and the HTML parser completes character references ("&#1"
# becomes "&#1;"); a code fence is three "`" or "~" (single characters are the quickest to look for).
PREPROCESSOR_TRIGGERS: dict[str, tuple[int, Triggers]] = {
    "html_block": (20, ("<", "&")),  # its HTML parser's pass over a body was a sixth of a conversion
    "fenced_code_block": (25, ("`", "~")),
}

# The private methods the inline subclass relies on (Python-Markdown 3.x).
_HANDLE, _APPLY = "_InlineProcessor__handleInline", "_InlineProcessor__applyPattern"


def _holds_any(text: str, triggers: Triggers) -> bool:
    for trigger in triggers:
        if trigger in text:
            return True
    return False


def _with_triggers(registry: util.Registry, table: dict[str, Triggers]) -> list[tuple[object, Triggers | None]]:
    """The registry's items in priority order, each with its triggers (None: always tried)."""
    found = {id(registry[name]): triggers for name, triggers in table.items() if name in registry}
    return [(item, found.get(id(item))) for item in registry]


class TriggeredInlineProcessor(InlineProcessor):
    """InlineProcessor whose per-text loop skips a pattern when the text lacks its trigger."""

    _listed = -1  # how many patterns the registry held when _patterns was made

    def run(self, tree, ancestors=None):
        if self._listed != len(self.inlinePatterns):  # once per converter: listing costs a tenth of a conversion
            self._patterns = _with_triggers(self.inlinePatterns, INLINE_TRIGGERS)
            self._listed = len(self.inlinePatterns)
            # Most texts (a sentence, a Korean paragraph) hold no trigger at all: one search clears them.
            every = {trigger for _, triggers in self._patterns for trigger in triggers or ()}
            known = all(triggers for _, triggers in self._patterns)
            self._any_trigger = re.compile("|".join(map(re.escape, sorted(every)))) if known and every else None
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803 (theirs)
        """InlineProcessor.__handleInline, with the skips: the base class calls it by this name."""
        if isinstance(data, util.AtomicString) or (self._any_trigger and not self._any_trigger.search(data)):
            return data
        patterns, start = self._patterns, 0
        while patternIndex < len(patterns):
            pattern, triggers = patterns[patternIndex]
            if triggers is None or _holds_any(data, triggers):
                data, matched, start = self._InlineProcessor__applyPattern(pattern, data, patternIndex, start)
            else:
                matched, start = False, 0  # what __applyPattern returns when its search finds nothing
            if not matched:
                patternIndex += 1
        return data


class TriggeredBlocks:
    """BlockParser.parseBlocks, with the skips, for one converter's parser."""

    def __init__(self, parser):
        self.parser = parser
        self._processors: list[tuple[object, Triggers | None]] = []
        self._listed = -1

    def __call__(self, parent, blocks: list[str]) -> None:
        registry = self.parser.blockprocessors
        if self._listed != len(registry):
            self._processors, self._listed = _with_triggers(registry, BLOCK_TRIGGERS), len(registry)
        processors = self._processors
        while blocks:
            block = blocks[0]
            for processor, triggers in processors:
                if triggers is not None:
                    for trigger in triggers:  # _holds_any, written out: this loop runs ~10 times a block
                        if trigger in block:
                            break
                    else:
                        continue
                if processor.test(parent, block):
                    if processor.run(parent, blocks) is not False:
                        break


BRACKET = re.compile(r"[\[\]]")


def bracket_ends(data: str) -> list[int | None]:
    """LinkInlineProcessor._findBracketEnds, the same list, made a stretch between brackets at a
    time instead of a character at a time (its loop over a paragraph was the largest single cost of
    converting a body with a link). For each index of DATA: the index just past the `]` that first
    takes the bracket depth below the depth at that index, or None if none does."""
    ends: list[int | None] = [None] * (len(data) + 1)
    stack: list[tuple[int, int, int]] = []  # (first index, last index, depth) of stretches still open
    depth = start = 0
    for bracket in BRACKET.finditer(data):
        at = bracket.start()
        stack.append((start, at, depth))  # the depth is the same from `start` through `at`
        depth += 1 if data[at] == "[" else -1
        start = at + 1
        while stack and depth < stack[-1][2]:
            first, last, _ = stack.pop()
            ends[first:last + 1] = [start] * (last + 1 - first)
    return ends


class TriggeredPreprocessor(Preprocessor):
    """A preprocessor run on a text holding one of its triggers only."""

    def __init__(self, md, inner: Preprocessor, triggers: Triggers):
        super().__init__(md)
        self.inner, self.triggers = inner, triggers

    def run(self, lines: list[str]) -> list[str]:
        return self.inner.run(lines) if _holds_any("\n".join(lines), self.triggers) else lines


class QuickNormalizeWhitespace(NormalizeWhitespace):
    """NormalizeWhitespace, its blank-line regular expression (which looks behind at every
    character) run only on a text with a space before a line's end, the only place it can match."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = re.sub(r"(?<=\n) +\n", "\n", source)
        return source.split("\n")


class BlockLevelTags:
    """Markdown.is_block_level, its answer kept for each tag: every stage asks it of every element
    (the serializer, prettify, the inline stage), and the stock method lowercases the tag and
    looks it up in a list each time. The converter's list of tags does not change once it is made."""

    def __init__(self, md):
        self.md = md
        self.known: dict = {}

    def __call__(self, tag) -> bool:
        try:
            return self.known[tag]
        except KeyError:
            answer = self.known[tag] = type(self.md).is_block_level(self.md, tag)
            return answer


class TocWhenNeeded(Treeprocessor):
    """The toc extension's tree processor, run on a tree with a heading or the marker ([TOC]) only:
    on any other it changes nothing in the tree, and only builds an empty table of contents for
    `md.toc`, which dateline never reads (a seventh of a conversion on the benchmark corpus)."""

    def __init__(self, md, toc):
        super().__init__(md)
        self.toc = toc

    def run(self, root):
        headings = any(isinstance(el.tag, str) and self.toc.header_rgx.match(el.tag) for el in root.iter())
        if headings or (self.toc.marker and any(self.toc.marker in text for text in root.itertext())):
            return self.toc.run(root)
        return None


class TriggersExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        if hasattr(InlineProcessor, _HANDLE) and hasattr(InlineProcessor, _APPLY):  # else keep the stock stage
            md.treeprocessors.register(TriggeredInlineProcessor(md), "inline", 20)
        for name, (priority, triggers) in PREPROCESSOR_TRIGGERS.items():
            if name in md.preprocessors:
                md.preprocessors.register(TriggeredPreprocessor(md, md.preprocessors[name], triggers), name, priority)
        if type(md.preprocessors["normalize_whitespace"]) is NormalizeWhitespace:
            md.preprocessors.register(QuickNormalizeWhitespace(md), "normalize_whitespace", 30)
        if hasattr(LinkInlineProcessor, "_findBracketEnds"):  # Python-Markdown 3.11.4's linear scan
            for pattern in md.inlinePatterns:
                if isinstance(pattern, LinkInlineProcessor):
                    pattern._findBracketEnds = bracket_ends
        md.is_block_level = BlockLevelTags(md)
        # This converter's parser only: its processors call parser.parseBlocks for nested blocks.
        md.parser.parseBlocks = TriggeredBlocks(md.parser)
        if "toc" in md.treeprocessors:
            md.treeprocessors.register(TocWhenNeeded(md, md.treeprocessors["toc"]), "toc", 5)  # toc's own priority
