#!/usr/bin/env python3
"""Draws docs/peers-wait.svg, how long a request waits per fault and pool, from a committed Peers results file.

    python3 benchmarks/peers-wait.py                  # the newest full run in benchmarks/results/ -> docs/peers-wait.svg
    python3 benchmarks/peers-wait.py RESULTS.txt      # that file instead
    python3 benchmarks/peers-wait.py --check          # exit 1 if the committed SVG is not what this draws, or the
                                                      # README's caption does not name the file it is drawn from

Python 3 standard library only; the SVG is written by hand, byte for byte the same from the same file, so that
--check can compare it.

What a bar is, per fault (Peers.java prints both columns; the picture takes one of them):
  - the in-flight fault: the "in-flight" column, how long after its flow was dropped the pg_sleep(30) caller got an
    error. "-" is "never within the wait": the note line under the table says how long it still waited.
  - every other fault: the "max" column, the slowest request that ended after the fault (flows dropped while idle:
    after traffic started), failed or not, with the requests still waiting at the end counted up to the end.

The table has no column that says a request was still waiting. Peers watches for a fixed time after the fault (or
the start of traffic) and then counts what is still waiting up to that end (Peers.run and Lane.result), so a request
in flight at the fault and still waiting has a max of at least that time. A max within rounding of it is drawn as
"still waiting"; the bounds below repeat Peers.run's timeline for a full run. A request that started after the fault
and was still waiting at the end has a smaller max, and is drawn as the wait it had so far.

Anything that is not what this expects (a missing or new column, an unknown fault, a row that does not parse, a
pool missing from one fault, a "-" without its note, a --quick run) stops it with the file and line, exit 2: a
wrong picture is worse than none.
"""

import argparse
import math
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(REPO, "benchmarks", "results")
SVG = os.path.join(REPO, "docs", "peers-wait.svg")
README = os.path.join(REPO, "README.md")
SCRIPT = "benchmarks/peers-wait.py"

# Peers.report: "%-42s %-40s " then the counts. The "fast" column came after the first committed run.
SCENARIO_WIDTH = 42
POOL_WIDTH = 40
COLUMNS = (
    ["requests", "failed", "hung", "slow", "max", "recover", "dead/open", "in-flight"],
    ["requests", "failed", "fast", "hung", "slow", "max", "recover", "dead/open", "in-flight"],
)
COLUMN_PATTERN = {
    "requests": r"\d+", "failed": r"\d+", "fast": r"\d+", "hung": r"\d+", "slow": r"\d+",
    "max": r"\d+\.\d+ s", "recover": r"\d+\.\d+ s|never", "dead/open": r"\d+/\d+",
}
SECONDS = re.compile(r"(\d+\.\d+) s")

IN_FLIGHT = "in-flight pg_sleep(30), its flow dropped"


def end_of_watch(scenario, b):
    """Seconds from the fault (idle: from the start of traffic) to the end of a full run's watch (Peers.run).

    The lane stops after the scenario's windows, then waits B + 1 s for what is still running, but never past the
    run's hard deadline, 3 x B + 30 s after the run started (the fault comes 1 s after that start under traffic).
    """
    return {
        # traffic 1 s, fault, 2 x B of traffic, B + 1 s to finish
        "flows dropped under traffic": min(2 * b + b + 1, 3 * b + 30 - 1),
        # fault, B idle, traffic: 2 x B, B + 1 s to finish
        "flows dropped while idle, then traffic": min(2 * b + b + 1, 3 * b + 30 - b),
        # traffic 1 s, fault, 2 x B down, heal, B, B + 1 s to finish
        "host down 2 x B under traffic, healed": min(2 * b + b + b + 1, 3 * b + 30 - 1),
    }.get(scenario)


class FormatError(Exception):
    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")


class Bar:
    """One pool's wait in one fault: seconds (as printed), whether it was still waiting, or that the run failed."""

    def __init__(self, pool, text, censored, failed=False):
        self.pool = pool
        self.text = text
        self.seconds = float(text) if text else 0.0
        self.censored = censored
        self.failed = failed


class Results:
    def __init__(self, path, date, commit, budget_text, server, faults):
        self.path = path
        self.date = date
        self.commit = commit
        self.budget_text = budget_text
        self.server = server
        self.faults = faults  # [(scenario, [Bar])], in the file's order


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    shown = display_path(path)

    def fail(index, message):
        raise FormatError(shown, index + 1, message)

    def expect(index, pattern, what):
        if index >= len(lines) or not re.fullmatch(pattern, lines[index]):
            fail(index, f"expected {what} (/{pattern}/), found {lines[index] if index < len(lines) else 'the end'!r}")
        return re.fullmatch(pattern, lines[index])

    title = expect(0, r"Peers side by side \(issue 12, section 4\)(, --quick)?", "the Peers title")
    if title.group(1):
        fail(0, "a --quick run: its windows are shorter; the picture is drawn from a full run")
    dated = expect(1, r"date (\d{4}-\d{2}-\d{2}), commit (\S+), run took \d+\.\d+ s", "the date line")
    budget = expect(2, r"B = ((\d+\.\d+) s), pool size \d+, \d+ threads doing .*", "the budget line")
    server = expect(3, r"server: (.*) \(.*\)", "the server line")
    b = float(budget.group(2))

    header = next((i for i, line in enumerate(lines) if line.startswith("scenario ")), None)
    if header is None:
        fail(len(lines) - 1, "no table: no line starts with 'scenario '")
    head = lines[header]
    names = head[SCENARIO_WIDTH + 1 + POOL_WIDTH + 1:].split()
    if head[:SCENARIO_WIDTH].strip() != "scenario" or head[SCENARIO_WIDTH + 1:][:POOL_WIDTH].strip() != "pool" \
            or names not in COLUMNS:
        fail(header, "the table's header is not one this script knows: " + " | ".join(
            [head[:SCENARIO_WIDTH].strip(), head[SCENARIO_WIDTH + 1:][:POOL_WIDTH].strip()] + names)
            + "; known: scenario | pool | " + " or ".join(" ".join(c) for c in COLUMNS))
    counts = r"\s+".join(f"(?P<{n.replace('/', '_')}>{COLUMN_PATTERN[n]})" for n in names[:-1])
    row_pattern = re.compile(counts + r"(?:\s+(?P<in_flight>\d+\.\d+ s|-))?")

    rows = []  # (index, scenario, pool, fields)
    i = header + 1
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        scenario = line[:SCENARIO_WIDTH].rstrip()
        pool = line[SCENARIO_WIDTH + 1:SCENARIO_WIDTH + 1 + POOL_WIDTH].rstrip()
        rest = line[SCENARIO_WIDTH + 1 + POOL_WIDTH + 1:].strip()
        if line[SCENARIO_WIDTH:SCENARIO_WIDTH + 1] != " " or line[SCENARIO_WIDTH + 1 + POOL_WIDTH:][:1] != " " \
                or not pool or pool != pool.lstrip():
            fail(i, f"a row whose scenario and pool are not in columns of {SCENARIO_WIDTH} and {POOL_WIDTH}: {line!r}")
        if scenario != IN_FLIGHT and end_of_watch(scenario, b) is None:
            fail(i, f"unknown fault {scenario!r}: this script does not know which column is its wait")
        fields = row_pattern.fullmatch(rest)
        if not fields:
            fail(i, f"the columns of {scenario!r} / {pool!r} do not parse as {' | '.join(names)}: {rest!r}")
        if (fields.group("in_flight") is not None) != (scenario == IN_FLIGHT):
            fail(i, f"the in-flight column is {'empty' if scenario == IN_FLIGHT else 'filled'} for {scenario!r}")
        rows.append((i, scenario, pool, fields))
        i += 1
    if not rows:
        fail(header, "the table has no rows")

    # The lines under the table: "<scenario>, <pool>: first failure ...; <note>", and bracketed hand-written
    # additions.
    notes = {}
    while i < len(lines):
        line = lines[i]
        if line.startswith("["):
            while not lines[i].rstrip().endswith("]"):
                i += 1
                if i >= len(lines):
                    fail(i - 1, "a '[' block that never closes with ']'")
        elif line.strip():
            key = next(((s, p) for _, s, p, _ in rows if line.startswith(f"{s}, {p}: ")), None)
            if key is None:
                fail(i, f"a line under the table that names no scenario and pool of the table: {line!r}")
            if key in notes:
                fail(i, f"a second note for {key[0]!r} / {key[1]!r}")
            notes[key] = (i, line[len(f"{key[0]}, {key[1]}: "):])
        i += 1

    faults = []
    for index, scenario, pool, fields in rows:
        note_index, note = notes.get((scenario, pool), (index, ""))
        bars = next((bars for s, bars in faults if s == scenario), None)
        if bars is None:
            bars = []
            faults.append((scenario, bars))
        if any(bar.pool == pool for bar in bars):
            fail(index, f"a second row for {scenario!r} / {pool!r}")
        if re.search(r"(^|; )run failed: ", note):
            bars.append(Bar(pool, "", False, failed=True))
        elif scenario == IN_FLIGHT:
            value = fields.group("in_flight")
            if value != "-":
                bars.append(Bar(pool, SECONDS.fullmatch(value).group(1), False))
            else:
                waited = re.search(r"(?:^|; )the in-flight caller still waited after (\d+\.\d+) s$", note)
                if not waited:
                    fail(note_index, f"{scenario!r} / {pool!r}: in-flight '-' without a note 'the in-flight caller "
                                     f"still waited after N s' (note: {note!r}); this script cannot draw it")
                bars.append(Bar(pool, waited.group(1), True))
        else:
            value = SECONDS.fullmatch(fields.group("max")).group(1)
            # Printed to 0.1 s above 10 s, 0.01 s below: within half of that of the end is the end.
            bars.append(Bar(pool, value, float(value) >= end_of_watch(scenario, b) - 0.05))

    pools = [bar.pool for bar in faults[0][1]]
    for scenario, bars in faults:
        if [bar.pool for bar in bars] != pools:
            index = next(index for index, s, _, _ in rows if s == scenario)
            fail(index, f"{scenario!r} has the pools {[bar.pool for bar in bars]}, the first fault {pools}: "
                        "the picture needs the same pools, in the same order, for every fault")
    return Results(shown, dated.group(1), dated.group(2), budget.group(1), server.group(1), faults)


# ------------------------------------------------------------------------------------------------------ the picture

WIDTH = 960
LABEL_RIGHT = 296
PLOT_LEFT = 310
PLOT_RIGHT = 740
BAR = 16
BAR_GAP = 5
GROUP_HEAD = 24
GROUP_GAP = 14
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#555555"
GRID = "#d9d9d9"
OURS = "#0072b2"  # Okabe-Ito blue: jdbc-liveness
PEER = "#8c8c8c"  # the peers alike, each named beside its bar
BUDGET = "#d55e00"  # Okabe-Ito vermillion: the line at B


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def nice_axis(top):
    """The smallest step of 1, 2 or 5 x 10^k that covers top in at most 6 steps, and the axis end."""
    exponent = math.floor(math.log10(top)) - 1
    while True:
        for m in (1, 2, 5):
            step = m * 10 ** exponent
            if math.ceil(top / step - 1e-9) <= 6:
                return step, math.ceil(top / step - 1e-9) * step
        exponent += 1


def draw(results):
    b = float(results.budget_text.split()[0])
    drawn = [bar.seconds for _, bars in results.faults for bar in bars if not bar.failed]
    if not drawn or max(drawn) <= 0:
        raise FormatError(results.path, 1, "no wait to draw: every run failed or waited 0 s")
    step, axis_end = nice_axis(max(max(drawn), b))

    def x(seconds):
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * seconds / axis_end

    def n(value):
        return f"{value:.1f}".rstrip("0").rstrip(".")

    plot_top = 92
    pools = len(results.faults[0][1])
    group = GROUP_HEAD + pools * BAR + (pools - 1) * BAR_GAP + GROUP_GAP
    plot_bottom = plot_top + len(results.faults) * group
    height = plot_bottom + 92

    out = []
    add = out.append
    add(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" role="img" aria-labelledby="title desc">')
    add(f'<title id="title">How long a request waits, per fault and pool (B = {esc(results.budget_text)})</title>')
    add(f'<desc id="desc">Drawn by {SCRIPT} from {esc(results.path)}. ' + " ".join(
        f"{esc(scenario)}: " + "; ".join(
            f"{esc(bar.pool)} {'run failed' if bar.failed else ('more than ' if bar.censored else '') + bar.text + ' s'}"
            for bar in bars) + "." for scenario, bars in results.faults) + '</desc>')
    # Explicit white: GitHub's dark mode shows an SVG on its own background, and dark text on none is unreadable.
    add(f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>')
    add(f'<text x="16" y="28" font-size="17" font-weight="bold" fill="{INK}">How long a request waits, per fault '
        f'and pool, with B = {esc(results.budget_text)}</text>')
    add(f'<text x="16" y="48" font-size="12" fill="{MUTED}">{esc(results.path)} (commit {esc(results.commit)}, '
        f'{esc(results.date)}), {esc(results.server)}; one run, drawn by {SCRIPT}</text>')

    # Grid and axis.
    tick = 0.0
    while tick <= axis_end + 1e-9:
        add(f'<line x1="{x(tick):.1f}" y1="{plot_top - 6}" x2="{x(tick):.1f}" y2="{plot_bottom - GROUP_GAP + 4}" '
            f'stroke="{GRID}" stroke-width="1"/>')
        add(f'<text x="{x(tick):.1f}" y="{plot_bottom - GROUP_GAP + 18}" font-size="11" fill="{MUTED}" '
            f'text-anchor="middle">{n(tick)} s</text>')
        tick += step
    add(f'<text x="{(PLOT_LEFT + PLOT_RIGHT) / 2:.1f}" y="{plot_bottom - GROUP_GAP + 34}" font-size="11" '
        f'fill="{MUTED}" text-anchor="middle">seconds the request waited</text>')
    add(f'<line x1="{x(b):.1f}" y1="{plot_top - 14}" x2="{x(b):.1f}" y2="{plot_bottom - GROUP_GAP + 4}" '
        f'stroke="{BUDGET}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    add(f'<text x="{x(b):.1f}" y="{plot_top - 18}" font-size="11" font-weight="bold" fill="{BUDGET}" '
        f'text-anchor="middle">B = {esc(results.budget_text)}</text>')

    y = plot_top
    for scenario, bars in results.faults:
        add(f'<text x="16" y="{y + 14}" font-size="13" font-weight="bold" fill="{INK}">{esc(scenario)}</text>')
        y += GROUP_HEAD
        for bar in bars:
            colour = OURS if bar.pool.startswith("jdbc-liveness") else PEER
            middle = y + BAR / 2 + 4
            add(f'<text x="{LABEL_RIGHT}" y="{middle:.1f}" font-size="12" fill="{INK}" '
                f'text-anchor="end">{esc(bar.pool)}</text>')
            if bar.failed:
                add(f'<text x="{PLOT_LEFT + 4}" y="{middle:.1f}" font-size="12" font-style="italic" '
                    f'fill="{MUTED}">run failed</text>')
            else:
                # At least 1 px, so that 0.07 s still shows where its bar starts.
                end = max(x(bar.seconds), PLOT_LEFT + 1)
                add(f'<rect x="{PLOT_LEFT}" y="{y}" width="{end - PLOT_LEFT:.1f}" height="{BAR}" fill="{colour}"/>')
                label = f"{bar.text} s"
                if bar.censored:
                    # An arrow past the bar's end: the wait went on when the run stopped watching.
                    add(f'<path d="M{end:.1f},{y - 3} L{end + 11:.1f},{y + BAR / 2:.1f} L{end:.1f},{y + BAR + 3}Z" '
                        f'fill="{colour}"/>')
                    label = f"&gt; {bar.text} s, still waiting"
                    end += 11
                # White behind the label (about 6.2 px a character at 12 px, bold 6.6), so that the line at B does
                # not cross it.
                shown = label.replace("&gt;", ">")
                add(f'<rect x="{end + 4:.1f}" y="{y}" width="{len(shown) * (6.6 if bar.censored else 6.2) + 4:.1f}" '
                    f'height="{BAR}" fill="#ffffff"/>')
                add(f'<text x="{end + 6:.1f}" y="{middle:.1f}" font-size="12" '
                    f'font-weight="{"bold" if bar.censored else "normal"}" fill="{INK}">{label}</text>')
            y += BAR + BAR_GAP
        y += GROUP_GAP - BAR_GAP

    foot = plot_bottom - GROUP_GAP + 56
    for k, line in enumerate([
        "Bar: the slowest request that ended after the fault (flows dropped while idle: after traffic started), "
        "failed or not.",
        "In-flight: how long after its flow was dropped the pg_sleep(30) caller got an error.",
        "Arrow: still waiting when the run stopped watching; the wait went on. Pool of 10, 4 threads doing "
        "borrow / SELECT 1 / return.",
    ]):
        add(f'<text x="16" y="{foot + 15 * k}" font-size="11" fill="{MUTED}">{esc(line)}</text>')
    add("</svg>")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------------ command line

def display_path(path):
    full = os.path.abspath(path)
    inside = os.path.relpath(full, REPO)
    return full if inside.startswith("..") else inside.replace(os.sep, "/")


def newest():
    """The newest full run in benchmarks/results/: by the date in its name, then by when git last committed it."""
    named = re.compile(r"peers-(\d{4}-\d{2}-\d{2})-[0-9a-z]+(-quick)?\.txt")
    runs = []
    for name in sorted(os.listdir(RESULTS)):
        if not name.startswith("peers-"):
            continue
        m = named.fullmatch(name)
        if not m:
            sys.exit(f"{display_path(os.path.join(RESULTS, name))}: not named peers-<date>-<commit>[-quick].txt "
                     "as Peers names its results; rename it or name the file to draw")
        if not m.group(2):
            runs.append((m.group(1), os.path.join(RESULTS, name)))
    if not runs:
        sys.exit(f"no full Peers run (peers-<date>-<commit>.txt) in {display_path(RESULTS)}")
    latest = max(date for date, _ in runs)
    same_day = [path for date, path in runs if date == latest]
    if len(same_day) == 1:
        return same_day[0]
    times = {}
    for path in same_day:
        git = subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%ct", "--", display_path(path)],
                             capture_output=True, text=True)
        times[path] = int(git.stdout) if git.returncode == 0 and git.stdout.strip() else None
    known = [t for t in times.values() if t is not None]
    if len(known) != len(times) or known.count(max(known)) > 1:
        sys.exit(f"{len(same_day)} full Peers runs dated {latest} and git cannot tell which was committed last: "
                 + ", ".join(display_path(p) for p in same_day) + "; name the file to draw")
    return max(same_day, key=times.get)


def main():
    parser = argparse.ArgumentParser(description="Draws how long a request waits, per fault and pool, from a "
                                                 "Peers results file, as an SVG.")
    parser.add_argument("results", nargs="?", help="a Peers results file (default: the newest full run in "
                                                   "benchmarks/results/)")
    parser.add_argument("--out", default=SVG, help="the SVG to write or check (default: docs/peers-wait.svg)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the SVG differs from what "
                                                             "this draws")
    args = parser.parse_args()
    source = args.results or newest()
    try:
        svg = draw(parse(source))
    except FormatError as e:
        print(f"{SCRIPT}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{SCRIPT}: {e}", file=sys.stderr)
        return 2
    if args.check:
        try:
            with open(args.out, encoding="utf-8", newline="") as f:
                committed = f.read()
        except OSError as e:
            committed = None
            print(f"{SCRIPT}: {e}", file=sys.stderr)
        if committed != svg:
            print(f"{display_path(args.out)} is not what {SCRIPT} draws from {display_path(source)}: run "
                  f"python3 {SCRIPT} and commit the picture", file=sys.stderr)
            return 1
        # The README's caption names the results file; a newer run redraws the picture, and the caption must follow.
        if os.path.abspath(args.out) == SVG:
            with open(README, encoding="utf-8") as f:
                readme = f.read()
            if "docs/peers-wait.svg" in readme and display_path(source) not in readme:
                print(f"README.md shows docs/peers-wait.svg but does not name {display_path(source)}, the file it "
                      "is drawn from: update the caption under the picture", file=sys.stderr)
                return 1
        print(f"{display_path(args.out)}: drawn from {display_path(source)}, up to date")
        return 0
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write(svg)
    print(f"{display_path(args.out)}: drawn from {display_path(source)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
